import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogScopeResolver } from '@paved/catalog-scopes';
import type { ScorecardCheck } from '@paved/plugin-scorecards-node';
import type {
  ExceptionEvent,
  ExceptionStatus,
  ExceptionStore,
  StoredException,
} from '../database/ExceptionStore';
import { withExceptions } from '../checks/exceptions';
import { levelOf, type ScorecardLevel } from '../checks/levels';
import type { ExceptionsConfig } from '../config';
import { endOfDayOrTime, latestAllowed } from './dates';
import { signedInUser } from './principal';
import type { ExceptionNotices } from './ExceptionNotices';

/** The most exceptions one list answers. */
export const MAX_LISTED_EXCEPTIONS = 200;
const MIN_REASON = 10;

/** An exception as the API shows it, with its audit trail. */
export type ExceptionView = {
  id: string;
  entityRef: string;
  entityTitle?: string;
  checkId: string;
  checkTitle: string;
  reason: string;
  status: ExceptionStatus;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  history: Array<{
    action: ExceptionEvent['action'];
    actor: string;
    at: string;
    note: string | null;
  }>;
};

type ServiceOptions = {
  store: ExceptionStore;
  catalog: CatalogService;
  checks: ScorecardCheck[];
  levels: ScorecardLevel[];
  config: ExceptionsConfig;
  notices: ExceptionNotices;
};

/**
 * Exceptions to checks: owners request them with a reason and an expiry,
 * admins (never the one who asked) approve or reject them; an approved
 * one counts as passed until it expires. Permissions are checked by the
 * router; this checks what only the data can tell.
 */
export class ExceptionService {
  readonly #store: ExceptionStore;
  readonly #scopes: CatalogScopeResolver;
  readonly #catalog: CatalogService;
  readonly #checks: Map<string, ScorecardCheck>;
  readonly #levels: ScorecardLevel[];
  readonly #config: ExceptionsConfig;
  readonly #notices: ExceptionNotices;

  static create(options: ServiceOptions) {
    return new ExceptionService(options);
  }

  private constructor(options: ServiceOptions) {
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#scopes = CatalogScopeResolver.create({ catalog: options.catalog });
    this.#checks = new Map(options.checks.map(c => [c.id, c]));
    this.#levels = options.levels;
    this.#config = options.config;
    this.#notices = options.notices;
  }

  /**
   * The component an exception is asked for, as the catalog names it (400
   * for a malformed ref or another kind, 404 for one the caller cannot
   * see), so the permission is decided on the same entity the request
   * stores.
   */
  async componentRef(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<string> {
    const scope = await this.#scopes.resolve(entityRef, {
      credentials,
      kinds: ['component'],
    });
    return scope.entityRef;
  }

  /**
   * Records an owner's request. The component must be one the caller can
   * see; the check one Paved evaluates; the reason at least a sentence;
   * the expiry in the future and within the configured maximum.
   */
  async request(
    input: {
      entityRef: string;
      checkId: string;
      reason: string;
      expiresAt: string;
    },
    credentials: BackstageCredentials,
    now = new Date(),
  ): Promise<{ exception: ExceptionView; created: boolean }> {
    const requestedBy = signedInUser(
      credentials,
      'Exceptions are requested and decided by signed-in users',
    );
    const scope = await this.#scopes.resolve(input.entityRef, {
      credentials,
      kinds: ['component'],
    });
    if (!this.#checks.has(input.checkId)) {
      throw new InputError(
        `checkId ${input.checkId} is not a scorecard check; known: ${[
          ...this.#checks.keys(),
        ].join(', ')}`,
      );
    }
    const reason = input.reason.trim();
    if (reason.length < MIN_REASON) {
      throw new InputError(
        `reason must say why in at least ${MIN_REASON} characters`,
      );
    }
    const expiresAt = endOfDayOrTime(input.expiresAt);
    if (!expiresAt) {
      throw new InputError(
        `expiresAt must be a date, e.g. 2027-03-31, not ${input.expiresAt}`,
      );
    }
    const latest = latestAllowed(now, this.#config.maxDays);
    if (expiresAt.getTime() <= now.getTime()) {
      throw new InputError('expiresAt must be in the future');
    }
    if (expiresAt.getTime() > latest.getTime()) {
      throw new InputError(
        `expiresAt may be at most ${
          this.#config.maxDays
        } days ahead (until ${latest.toISOString().slice(0, 10)})`,
      );
    }
    const { exception, created } = await this.#store.request({
      entityRef: scope.entityRef,
      checkId: input.checkId,
      reason,
      expiresAt,
      requestedBy,
      now,
    });
    if (created) await this.#notices.requested(exception);
    return { exception: await this.#view(exception), created };
  }

  /**
   * An admin's decision. Whoever requested an exception never decides it,
   * admin or not. An approval re-levels the component at once.
   */
  async decide(
    id: string,
    input: { decision: 'approve' | 'reject'; note?: string },
    credentials: BackstageCredentials,
    now = new Date(),
  ): Promise<{ exception: ExceptionView; changed: boolean }> {
    const decidedBy = signedInUser(
      credentials,
      'Exceptions are requested and decided by signed-in users',
    );
    const stored = await this.#store.get(id);
    if (!stored) throw new NotFoundError(`No exception ${id}`);
    if (stored.requestedBy === decidedBy) {
      throw new NotAllowedError(
        'You requested this exception; another admin decides it',
      );
    }
    const note = input.note?.trim() || null;
    if (input.decision === 'reject' && !note) {
      throw new InputError('A rejection needs a note saying why');
    }
    const { exception, changed } = await this.#store.decide({
      id,
      decision: input.decision === 'approve' ? 'approved' : 'rejected',
      note,
      decidedBy,
      now,
      relevel: (_entityRef, checks, active) => {
        const excepted = withExceptions(checks, active);
        return {
          checks: excepted,
          level: levelOf(
            this.#levels,
            new Map(excepted.map(c => [c.id, c.outcome])),
          ).level,
        };
      },
    });
    if (changed) await this.#notices.decided(exception);
    return { exception: await this.#view(exception), changed };
  }

  /**
   * Exceptions newest first: a component's (one the caller can see), or
   * every component's the caller can see; optionally of one status.
   */
  async list(
    options: { entityRef?: string; status?: ExceptionStatus },
    credentials: BackstageCredentials,
  ): Promise<{ exceptions: ExceptionView[] }> {
    const { status } = options;
    const now = new Date();
    if (options.entityRef) {
      const scope = await this.#scopes.resolve(options.entityRef, {
        credentials,
        kinds: ['component'],
      });
      const stored = await this.#store.list({
        entityRefs: [scope.entityRef],
        status,
        now,
        limit: MAX_LISTED_EXCEPTIONS,
      });
      return { exceptions: await this.#views(stored) };
    }
    const stored = await this.#store.list({
      status,
      now,
      limit: MAX_LISTED_EXCEPTIONS,
    });
    // Only components the caller may see, with their titles.
    const refs = [...new Set(stored.map(e => e.entityRef))];
    const { items } = refs.length
      ? await this.#catalog.getEntitiesByRefs(
          {
            entityRefs: refs,
            fields: ['kind', 'metadata.name', 'metadata.title'],
          },
          { credentials },
        )
      : { items: [] };
    const visible = new Map<string, string | undefined>();
    refs.forEach((ref, i) => {
      const entity = items[i];
      if (entity) visible.set(ref, entity.metadata.title);
    });
    return {
      exceptions: await this.#views(
        stored.filter(e => visible.has(e.entityRef)),
        visible,
      ),
    };
  }

  async #view(exception: StoredException): Promise<ExceptionView> {
    const [view] = await this.#views([exception]);
    return view;
  }

  async #views(
    exceptions: StoredException[],
    titles?: Map<string, string | undefined>,
  ): Promise<ExceptionView[]> {
    const events = await this.#store.events(exceptions.map(e => e.id));
    const now = Date.now();
    return exceptions.map(e => {
      const title = titles?.get(e.entityRef);
      // Past its expiry but not yet marked so by the scheduled pass.
      const status =
        e.status !== 'rejected' && e.expiresAt.getTime() <= now
          ? 'expired'
          : e.status;
      return {
        id: e.id,
        entityRef: e.entityRef,
        ...(title ? { entityTitle: title } : {}),
        checkId: e.checkId,
        checkTitle: this.#checks.get(e.checkId)?.title ?? e.checkId,
        reason: e.reason,
        status,
        requestedBy: e.requestedBy,
        requestedAt: e.requestedAt.toISOString(),
        expiresAt: e.expiresAt.toISOString(),
        decidedBy: e.decidedBy,
        decidedAt: e.decidedAt?.toISOString() ?? null,
        decisionNote: e.decisionNote,
        history: events
          .filter(event => event.exceptionId === e.id)
          .map(event => ({
            action: event.action,
            actor: event.actor,
            at: event.at.toISOString(),
            note: event.note,
          })),
      };
    });
  }
}
