import { once } from 'node:events';
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
  doraEventsCreatePermission,
  doraMetricsReadPermission,
  doraUnattributedReadPermission,
} from '@paved/plugin-dora-common';
import {
  callerSource,
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

  // Writing delivery facts needs dora.events.create, checked before the
  // body is read; the facts are stored under the caller's own source.
  router.post(
    '/events',
    async (req, res, next) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const [decision] = await permissions.authorize(
        [{ permission: doraEventsCreatePermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          'You may not post DORA events: dora.events.create is granted to portal admins and to service tokens whose accessRestrictions name it',
        );
      }
      res.locals.doraCaller = callerSource(credentials);
      next();
    },
    express.json({ limit: options.maxBodyBytes }),
    async (req, res) => {
      try {
        res.json(
          await ingestor.ingestFromCaller(
            String(res.locals.doraCaller),
            req.body?.events,
          ),
        );
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
    const chunks = await metrics.deploymentsCsv(req.query, credentials);
    res.type('text/csv').attachment('dora-deployments.csv');
    for await (const chunk of chunks) {
      // A client that went away stops the export; a slow one paces it.
      if (res.destroyed) break;
      if (!res.write(chunk)) {
        await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
    }
    res.end();
  });

  router.get('/unattributed', async (req, res) => {
    await requirePermission(
      req,
      doraUnattributedReadPermission,
      'Only portal admins may list unattributed DORA services',
    );
    res.json({
      services: await metrics.unattributed(),
      // Aliases no event is attributed by: several components claim them,
      // or they name another component.
      conflicts: await ingestor.aliasConflicts(),
    });
  });

  return router;
}
