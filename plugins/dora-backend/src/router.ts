import express from 'express';
import Router from 'express-promise-router';
import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  doraMetricsReadPermission,
  doraUnattributedReadPermission,
  type DoraDeploymentFilter,
} from '@paved/plugin-dora-common';
import {
  DoraBatchRejectedError,
  type DoraEventIngestor,
} from './service/DoraEventIngestor';
import {
  deploymentsToCsv,
  type DoraMetricsService,
  type MetricName,
  type MetricsQuery,
  type SeriesInterval,
} from './service/DoraMetricsService';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  ingestor: DoraEventIngestor;
  metrics: DoraMetricsService;
  maxBodyBytes: number;
};

const MAX_PAGE = 500;

function metricsQuery(query: Record<string, unknown>): MetricsQuery {
  const text = (key: string) =>
    typeof query[key] === 'string' && query[key]
      ? String(query[key])
      : undefined;
  return {
    entityRef: text('entityRef'),
    from: text('from'),
    to: text('to'),
    environment: text('environment'),
  };
}

function deploymentFilter(value: unknown): DoraDeploymentFilter {
  return (
    typeof value === 'string' && value ? value : 'all'
  ) as DoraDeploymentFilter;
}

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
  };
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

  router.get('/metrics', async (req, res) => {
    await requireRead(req);
    res.json(await metrics.metrics(metricsQuery(req.query)));
  });

  router.get('/breakdown', async (req, res) => {
    await requireRead(req);
    res.json(await metrics.breakdown(metricsQuery(req.query)));
  });

  router.get('/series', async (req, res) => {
    await requireRead(req);
    res.json(
      await metrics.series(
        metricsQuery(req.query),
        String(req.query.metric ?? '') as MetricName,
        String(req.query.interval ?? 'week') as SeriesInterval,
      ),
    );
  });

  router.get('/deployments', async (req, res) => {
    await requireRead(req);
    const rows = await metrics.deployments(
      metricsQuery(req.query),
      deploymentFilter(req.query.filter),
    );
    const limit = Math.min(
      Math.max(Number(req.query.limit) || 100, 1),
      MAX_PAGE,
    );
    // A cursor is the base64url of the next row's offset.
    const decoded = req.query.cursor
      ? Buffer.from(String(req.query.cursor), 'base64url').toString()
      : '0';
    if (!/^\d{1,9}$/.test(decoded)) {
      throw new InputError('cursor is not one this API returned');
    }
    const offset = Number(decoded);
    const items = rows.slice(offset, offset + limit);
    const next = offset + limit;
    res.json({
      items,
      totalItems: rows.length,
      nextCursor:
        next < rows.length
          ? Buffer.from(String(next)).toString('base64url')
          : undefined,
    });
  });

  router.get('/export.csv', async (req, res) => {
    await requireRead(req);
    const rows = await metrics.deployments(
      metricsQuery(req.query),
      deploymentFilter(req.query.filter),
    );
    res
      .type('text/csv')
      .attachment('dora-deployments.csv')
      .send(deploymentsToCsv(rows));
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
