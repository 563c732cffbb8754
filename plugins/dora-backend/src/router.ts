import express from 'express';
import Router from 'express-promise-router';
import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  doraMetricsReadPermission,
  doraUnattributedReadPermission,
} from '@paved/plugin-dora-common';
import {
  DoraBatchRejectedError,
  type DoraEventIngestor,
} from './service/DoraEventIngestor';
import type { DoraMetricsService } from './service/DoraMetricsService';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  ingestor: DoraEventIngestor;
  metrics: DoraMetricsService;
  maxBodyBytes: number;
};

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, ingestor, metrics } = options;
  const router = Router();

  const requirePermission = async (
    req: express.Request,
    permission: BasicPermission,
    refusal: string,
  ) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(refusal);
    }
    return credentials;
  };
  /**
   * The caller's credentials once it may read DORA metrics; reads resolve
   * their scope with them, so the catalog's read rules apply.
   */
  const requireRead = (req: express.Request) =>
    requirePermission(
      req,
      doraMetricsReadPermission,
      'You may not read DORA metrics',
    );

  router.post(
    '/events',
    express.json({ limit: options.maxBodyBytes }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const principal = credentials.principal as {
        userEntityRef?: string;
        subject?: string;
      };
      const caller = principal.userEntityRef ?? principal.subject ?? 'unknown';
      try {
        res.json(await ingestor.ingest(caller, req.body?.events));
      } catch (error) {
        if (!(error instanceof DoraBatchRejectedError)) throw error;
        res.status(400).json({
          error: { name: 'InputError', message: error.message },
          problems: error.problems,
        });
      }
    },
  );

  // The service checks every parameter (bounds, shapes, unknown names)
  // before it reads anything; the MCP actions go through the same checks.
  router.get('/metrics', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.metrics(req.query, credentials));
  });

  router.get('/breakdown', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.breakdown(req.query, credentials));
  });

  router.get('/series', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.series(req.query, credentials));
  });

  router.get('/deployments', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.deploymentPage(req.query, credentials));
  });

  router.get('/export.csv', async (req, res) => {
    const credentials = await requireRead(req);
    const csv = await metrics.deploymentsCsv(req.query, credentials);
    res.type('text/csv').attachment('dora-deployments.csv').send(csv);
  });

  router.get('/unattributed', async (req, res) => {
    await requirePermission(
      req,
      doraUnattributedReadPermission,
      'Only portal admins may list unattributed DORA services',
    );
    res.json({ services: await metrics.unattributed() });
  });

  return router;
}
