import { once } from 'node:events';
import express from 'express';
import type {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { retryAfterOnUnavailable } from '@paved/database-errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  doraEventsCreatePermission,
  doraMetricsReadPermission,
  doraUnattributedReadPermission,
} from '@paved/plugin-dora-common';
import { createOpenApiRouter } from './schema/openapi/generated';
import {
  callerSource,
  type DoraEventIngestor,
} from './service/DoraEventIngestor';
import type { DoraMetricsService } from './service/DoraMetricsService';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  ingestor: DoraEventIngestor;
  metrics: DoraMetricsService;
  maxBodyBytes: number;
};

/**
 * Paths the spec documents but this router does not validate:
 * - `/events`: the batch is checked as a whole by the one event rulebook
 *   (`parseDoraEventBatch`, shared with server-side sources), which lists
 *   every problem of every event; the validator would stop at its own
 *   first message and lose that list.
 * - `/github/webhook`: served by the GitHub module, which reads the raw
 *   body to check its signature.
 */
const RULEBOOK_PATHS = /\/(events|github\/webhook)$/;

/**
 * Stands in for the validated router's default JSON parser, which would
 * read every body before a route checks who is asking (and turn any error
 * of a router-wide middleware into a 400): `POST /events` reads its body
 * itself, once the caller may write.
 */
const readNoBodyYet: express.RequestHandler = (_req, _res, next) => next();

/** Any request of this router, whatever its typed parameters. */
type HttpRequest = Parameters<HttpAuthService['credentials']>[0];

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, ingestor, metrics } = options;

  const requirePermission = async (
    req: HttpRequest,
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
  const requireRead = (req: HttpRequest) =>
    requirePermission(
      req,
      doraMetricsReadPermission,
      'You may not read DORA metrics',
    );

  const router = await createOpenApiRouter({
    middleware: [readNoBodyYet],
    validatorOptions: { ignorePaths: RULEBOOK_PATHS },
  });

  // The only body this API reads is an event batch, and only from a caller
  // who may write one: dora.events.create is checked before the body is
  // read, and the body is read up to the configured size (413 beyond).
  const mayPostEvents: express.RequestHandler = async (req, res, next) => {
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
    // The facts are stored under the caller's own source.
    res.locals.doraCaller = callerSource(credentials);
    next();
  };

  router.post(
    '/events',
    mayPostEvents,
    express.json({ limit: options.maxBodyBytes }),
    async (req, res) => {
      const caller = String(res.locals.doraCaller);
      // Not validated against the spec (see RULEBOOK_PATHS): the ingestor
      // checks the batch, so it is handed on as what it is, unchecked input.
      const body: unknown = req.body;
      const events = (body as { events?: unknown } | undefined)?.events;
      const auditorEvent = await auditor.createEvent({
        eventId: 'dora-events-create',
        request: req,
        severityLevel: 'medium',
        meta: {
          source: caller,
          events: Array.isArray(events) ? events.length : 0,
        },
      });
      try {
        const result = await ingestor.ingestFromCaller(caller, events);
        await auditorEvent.success({
          meta: { accepted: result.accepted, unchanged: result.unchanged },
        });
        res.json(result);
      } catch (error) {
        await auditorEvent.fail({ error: error as Error });
        throw error;
      }
    },
  );

  // Shapes, enums and bounds of the parameters are checked against the
  // spec; the service checks what the spec cannot say (timestamps with an
  // offset, the window, series points, cursors) before it reads anything,
  // and the MCP actions go through the same service checks.
  router.get('/metrics', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.metrics(req.query, credentials));
  });

  router.get('/ai-split', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.aiSplit(req.query, credentials));
  });

  router.get('/groups', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.groups(req.query, credentials));
  });

  router.get('/breakdown', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.breakdown(req.query, credentials));
  });

  router.get('/series', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.series(req.query, credentials));
  });

  router.get('/trends', async (req, res) => {
    const credentials = await requireRead(req);
    res.json(await metrics.trends(req.query, credentials));
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

  // Backstage's error handler answers a 503 (the database out of reach)
  // without a retry hint; this adds `Retry-After` and passes it on.
  router.use(retryAfterOnUnavailable());
  return router;
}
