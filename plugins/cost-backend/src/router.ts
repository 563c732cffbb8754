import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CostStore } from './database/CostStore';
import { authorizeCostRead } from './service/CostAccess';
import {
  type CostService,
  type CostWindow,
  parseWindow,
} from './service/CostService';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  cost: CostService;
  store: Pick<CostStore, 'sources'>;
};

const windowFields = {
  from: z.string().optional(),
  to: z.string().optional(),
};
const entityQuery = z.object({
  entityRef: z.string().min(1).optional(),
  granularity: z.enum(['day', 'month']).optional(),
  ...windowFields,
});
const rankingsQuery = z.object({
  entityRef: z.string().min(1),
  ...windowFields,
});
const windowQuery = z.object(windowFields);

/** Validates query parameters; the 400 names every bad parameter. */
function parseQuery<T extends z.ZodType>(
  schema: T,
  query: unknown,
): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues
        .map(i => `${i.path.join('.') || 'query'}: ${i.message}`)
        .join('; '),
    );
  }
  return parsed.data;
}

/** The canonical form of an entityRef parameter. */
export function canonicalRef(entityRef: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(entityRef));
  } catch {
    throw new InputError(`entityRef is not a valid entity ref: ${entityRef}`);
  }
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, cost, store } = options;
  const router = Router();

  const credentialsOf = (req: express.Request): Promise<BackstageCredentials> =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /**
   * Authorises a read of a scope and resolves it: undefined entityRef is
   * the organisation.
   */
  const readableScope = async (
    req: express.Request,
    entityRef: string | undefined,
  ) => {
    const credentials = await credentialsOf(req);
    const ref = entityRef ? canonicalRef(entityRef) : undefined;
    await authorizeCostRead(permissions, credentials, ref);
    return ref ? cost.resolve(ref, credentials) : undefined;
  };

  router.get('/entity', async (req, res) => {
    await credentialsOf(req);
    const query = parseQuery(entityQuery, req.query);
    const window = parseWindow(query);
    const scope = await readableScope(req, query.entityRef);
    res.json(
      await cost.entityCost({
        scope,
        window,
        granularity: query.granularity ?? 'day',
      }),
    );
  });

  router.get('/rankings', async (req, res) => {
    await credentialsOf(req);
    const query = parseQuery(rankingsQuery, req.query);
    const window = parseWindow(query);
    const scope = await readableScope(req, query.entityRef);
    res.json(await cost.rankings(scope!, window));
  });

  router.get('/unattributed', async (req, res) => {
    await credentialsOf(req);
    const window: CostWindow = parseWindow(parseQuery(windowQuery, req.query));
    await readableScope(req, undefined);
    res.json(await cost.unattributed(window));
  });

  router.get('/export.csv', async (req, res) => {
    await credentialsOf(req);
    const query = parseQuery(rankingsQuery.partial(), req.query);
    const window = parseWindow(query);
    const scope = await readableScope(req, query.entityRef);
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

  return router;
}
