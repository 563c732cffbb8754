import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { deliver, scorecardLink } from './notices';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { ScorecardCheck } from '@paved/plugin-scorecards-node';
import type {
  ExceptionStore,
  StoredException,
} from '../database/ExceptionStore';
import type { ExceptionsConfig } from '../config';

/** The topic users switch these notices off by, in Settings → Notifications. */
export const EXCEPTIONS_TOPIC = 'scorecards-exceptions';

const DAY_MS = 86_400_000;

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Tells people about exceptions through Backstage notifications: reviewers
 * of a new request, a component's owners of the decision, of the coming
 * expiry and of the expiry. Each notice names its exception and step in
 * its scope, so a notice sent twice updates the first.
 */
export class ExceptionNotices {
  readonly #notifications: NotificationService;
  readonly #exceptions: ExceptionStore;
  readonly #config: ExceptionsConfig;
  readonly #titles: Map<string, string>;
  readonly #logger: LoggerService;

  constructor(options: {
    notifications: NotificationService;
    exceptions: ExceptionStore;
    config: ExceptionsConfig;
    checks: ScorecardCheck[];
    logger: LoggerService;
  }) {
    this.#notifications = options.notifications;
    this.#exceptions = options.exceptions;
    this.#config = options.config;
    this.#titles = new Map(options.checks.map(c => [c.id, c.title]));
    this.#logger = options.logger;
  }

  /**
   * The scheduled part, on one replica at a time: expires what is due and
   * reminds owners of what expires soon. Answers how many of each.
   */
  async run(now: Date): Promise<{ expired: number; reminded: number }> {
    const expired = await this.#exceptions.expireDue(now);
    for (const exception of expired) {
      await this.#send(exception, 'expired', {
        title: `Exception ended: ${this.#subject(exception)}`,
        description: exception.decidedBy
          ? `The exception to "${this.#check(exception)}" expired on ${day(
              exception.expiresAt,
            )}; the check counts again from the next evaluation.`
          : `The request for an exception to "${this.#check(
              exception,
            )}" expired on ${day(
              exception.expiresAt,
            )} before anyone decided; request a new one if it is still needed.`,
        severity: 'normal',
      });
    }
    const reminded = await this.#exceptions.claimReminders(
      now,
      new Date(now.getTime() + this.#config.remindDaysBefore * DAY_MS),
    );
    for (const exception of reminded) {
      await this.#send(exception, 'reminder', {
        title: `Exception ends ${day(exception.expiresAt)}: ${this.#subject(
          exception,
        )}`,
        description: `The exception to "${this.#check(
          exception,
        )}" ends on ${day(
          exception.expiresAt,
        )}; then the check counts again. Fix it before then, or request a new exception with a reason.`,
        severity: 'high',
      });
    }
    return { expired: expired.length, reminded: reminded.length };
  }

  /** Tells the reviewers of a new request. */
  async requested(exception: StoredException) {
    if (this.#config.reviewers.length === 0) return;
    await deliver(this.#notifications, this.#logger, {
      entityRefs: this.#config.reviewers,
      title: `Exception requested: ${this.#subject(exception)}`,
      description: `${exception.requestedBy} asks until ${day(
        exception.expiresAt,
      )}: ${exception.reason}`,
      severity: 'normal',
      link: '/scorecards',
      topic: EXCEPTIONS_TOPIC,
      scope: `scorecards-exception:${exception.id}:requested`,
    });
  }

  /** Tells the component's owners of the decision. */
  async decided(exception: StoredException) {
    const approved = exception.status === 'approved';
    await this.#send(exception, 'decided', {
      title: `Exception ${approved ? 'approved' : 'rejected'}: ${this.#subject(
        exception,
      )}`,
      description: approved
        ? `${exception.decidedBy} approved it until ${day(
            exception.expiresAt,
          )}${exception.decisionNote ? `: ${exception.decisionNote}` : '.'}`
        : `${exception.decidedBy} rejected it${
            exception.decisionNote ? `: ${exception.decisionNote}` : '.'
          }`,
      severity: 'normal',
    });
  }

  #subject(exception: StoredException) {
    return `${parseEntityRef(exception.entityRef).name} — ${this.#check(
      exception,
    )}`;
  }

  #check(exception: StoredException) {
    return this.#titles.get(exception.checkId) ?? exception.checkId;
  }

  /** To the component's owners (notifications resolve a component's owner). */
  async #send(
    exception: StoredException,
    step: string,
    payload: {
      title: string;
      description: string;
      severity: 'high' | 'normal';
    },
  ) {
    await deliver(this.#notifications, this.#logger, {
      ...payload,
      entityRefs: [exception.entityRef],
      link: scorecardLink(exception.entityRef),
      topic: EXCEPTIONS_TOPIC,
      scope: `scorecards-exception:${exception.id}:${step}`,
    });
  }
}
