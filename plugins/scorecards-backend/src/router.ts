import type express from 'express';
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { retryAfterOnUnavailable } from '@paved/database-errors';
import { scorecardsReadPermission } from '@paved/plugin-scorecards-common';
import { createOpenApiRouter } from './schema/openapi/generated';
import type { ScorecardService } from './service/ScorecardService';

/** History a roll-up draws without `days`. */
const DEFAULT_HISTORY_DAYS = 90;

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  scorecards: ScorecardService;
};

/**
 * The routes of src/schema/openapi.yaml; the generated router has checked
 * each request's parameters against the spec (lengths, the history's
 * 1–366 days) before a handler runs.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, scorecards } = options;
  const router = await createOpenApiRouter();

  /** Every route reads: user or service credentials holding scorecards.read. */
  const readerCredentials = async (
    req: Parameters<HttpAuthService['credentials']>[0],
  ): Promise<BackstageCredentials> => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: scorecardsReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read scorecards');
    }
    return credentials;
  };

  router.get('/definitions', async (req, res) => {
    await readerCredentials(req);
    res.json(scorecards.definitions());
  });

  router.get('/entity', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(
      await scorecards.entityScorecard(req.query.entityRef, credentials),
    );
  });

  router.get('/rollup', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(
      await scorecards.rollup(
        req.query.entityRef,
        Number(req.query.days ?? DEFAULT_HISTORY_DAYS),
        credentials,
      ),
    );
  });

  // Backstage's error handler answers a 503 (the database out of reach)
  // without a retry hint; this adds `Retry-After` and passes it on.
  router.use(retryAfterOnUnavailable());
  return router;
}
