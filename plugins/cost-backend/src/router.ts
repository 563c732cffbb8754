import type express from 'express';
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { retryAfterOnUnavailable } from '@paved/database-errors';
import { previousCostWindows } from '@paved/plugin-cost-common';
import type { CostStore } from './database/CostStore';
import { createOpenApiRouter } from './schema/openapi/generated';
import { authorizeCostRead, mayReadCosts } from './service/CostAccess';
import { type CostService, parseWindow } from './service/CostService';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  cost: CostService;
  store: Pick<CostStore, 'sources'>;
};

/** The most groups the groups read answers for. */
const MAX_GROUPS = 500;

/** The canonical form of an entityRef parameter. */
export function canonicalRef(entityRef: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(entityRef));
  } catch {
    throw new InputError(`entityRef is not a valid entity ref: ${entityRef}`);
  }
}

/**
 * The cost API, as src/schema/openapi.yaml describes it. The spec checks
 * each request's parameters before a handler sees it; what it cannot say
 * (a window's days and length, what an entity ref names, who may read a
 * scope) is checked here and answered with the errors Backstage maps to
 * 400, 403 and 404.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, cost, store } = options;
  const router = await createOpenApiRouter();

  const credentialsOf = (
    req: Parameters<HttpAuthService['credentials']>[0],
  ): Promise<BackstageCredentials> =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /**
   * Authorises a read of a scope and resolves it with the caller's
   * credentials: an undefined entityRef is the organisation.
   */
  const readableScope = async (
    credentials: BackstageCredentials,
    entityRef: string | undefined,
  ) => {
    const ref = entityRef ? canonicalRef(entityRef) : undefined;
    await authorizeCostRead(permissions, credentials, ref);
    return ref ? cost.resolve(ref, credentials) : undefined;
  };

  router.get('/entity', async (req, res) => {
    const credentials = await credentialsOf(req);
    const window = parseWindow(req.query);
    const before = previousCostWindows(window, req.query.previousWindows ?? 0);
    if ('error' in before) throw new InputError(before.error);
    const scope = await readableScope(credentials, req.query.entityRef);
    const granularity = req.query.granularity ?? 'day';
    const [current, ...previous] = await Promise.all(
      [window, ...before.windows].map(w =>
        cost.entityCost({ scope, window: w, granularity }),
      ),
    );
    res.json(previous.length > 0 ? { ...current, previous } : current);
  });

  router.get('/groups', async (req, res) => {
    const credentials = await credentialsOf(req);
    const window = parseWindow(req.query);
    const before = previousCostWindows(window, req.query.previousWindows ?? 0);
    if ('error' in before) throw new InputError(before.error);
    const type = req.query.type ?? 'team';
    const scopes = await cost.groupsOfType(type, credentials);
    const listed = scopes.slice(0, MAX_GROUPS);
    const allowed = await mayReadCosts(
      permissions,
      credentials,
      listed.map(s => s.entityRef),
    );
    const readable = listed.filter((_, i) => allowed[i]);
    const [totals, ...previous] = await Promise.all(
      [window, ...before.windows].map(w => cost.scopeTotals(readable, w)),
    );
    let next = 0;
    const totalsOf = (i: number) => ({
      ...totals[i],
      ...(previous.length > 0 ? { previous: previous.map(p => p[i]) } : {}),
    });
    res.json({
      type,
      from: window.from,
      to: window.to,
      currency: cost.currency,
      groups: listed.map((scope, i) => ({
        entityRef: scope.entityRef,
        ...(scope.title ? { title: scope.title } : {}),
        ...(allowed[i]
          ? totalsOf(next++)
          : { refused: `You may not read the cost of ${scope.entityRef}` }),
      })),
      truncated: scopes.length > MAX_GROUPS,
    });
  });

  router.get('/components', async (req, res) => {
    const credentials = await credentialsOf(req);
    const window = parseWindow(req.query);
    await readableScope(credentials, undefined);
    res.json(await cost.componentCosts(credentials, window));
  });

  router.get('/rankings', async (req, res) => {
    const credentials = await credentialsOf(req);
    const window = parseWindow(req.query);
    const scope = await readableScope(credentials, req.query.entityRef);
    res.json(await cost.rankings(scope!, window));
  });

  router.get('/unattributed', async (req, res) => {
    const credentials = await credentialsOf(req);
    const window = parseWindow(req.query);
    await readableScope(credentials, undefined);
    res.json(await cost.unattributed(window));
  });

  router.get('/export.csv', async (req, res) => {
    const credentials = await credentialsOf(req);
    const window = parseWindow(req.query);
    const scope = await readableScope(credentials, req.query.entityRef);
    const name = (scope?.entityRef ?? 'organisation').replace(
      /[^A-Za-z0-9._-]+/g,
      '-',
    );
    res
      .type('text/csv')
      .attachment(`cost-${name}-${window.from}-${window.to}.csv`)
      .send(await cost.exportCsv(scope, window));
  });

  router.get('/sources', async (req, res) => {
    // Which sources exist is not cost; anyone signed in may see it, so the
    // UI can explain how to connect one when there is none.
    await credentialsOf(req);
    res.json(await store.sources());
  });

  // Backstage's error handler answers a 503 (the database out of reach)
  // without a retry hint; this adds `Retry-After` and passes it on.
  router.use(retryAfterOnUnavailable());
  return router;
}
