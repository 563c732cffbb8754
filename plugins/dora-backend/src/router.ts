import express from 'express';
import Router from 'express-promise-router';
import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  doraMetricsReadPermission,
  parseDoraEventBatch,
} from '@paved/plugin-dora-common';
import type { DoraStore } from './database/DoraStore';
import type { CatalogScopes } from './catalog/CatalogScopes';
import { computeMetrics, type MetricRules } from './metrics/computeMetrics';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  store: DoraStore;
  scopes: CatalogScopes;
  rules: MetricRules;
  maxBodyBytes: number;
};

const DAY = 86_400_000;

function parseWindow(query: Record<string, unknown>) {
  const to = query.to ? new Date(String(query.to)) : new Date();
  const from = query.from
    ? new Date(String(query.from))
    : new Date(to.getTime() - 30 * DAY);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new InputError('from and to must be ISO-8601 timestamps');
  }
  if (from >= to) throw new InputError('from must be before to');
  return { from, to };
}

/** Attributes events whose service now matches a catalog entity. */
async function attributeLateArrivals(store: DoraStore, scopes: CatalogScopes) {
  const unattributed = await store.unattributedServices();
  if (unattributed.length === 0) return 0;
  const resolved = await scopes.resolveServices(
    unattributed.map(u => u.service),
  );
  let remaining = 0;
  for (const { service, events } of unattributed) {
    const ref = resolved.get(service);
    if (ref) await store.attribute(service, ref);
    else remaining += events;
  }
  return remaining;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, store, scopes } = options;
  const router = Router();
  router.use(express.json({ limit: options.maxBodyBytes }));

  const requireRead = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: doraMetricsReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read DORA metrics');
    }
  };

  router.post('/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const parsed = parseDoraEventBatch(req.body);
    if (!parsed.ok) {
      res.status(400).json({
        error: {
          name: 'InputError',
          message: `The batch was rejected; nothing was stored (${parsed.problems.length} problem(s))`,
        },
        problems: parsed.problems,
      });
      return;
    }
    const principal = credentials.principal as {
      userEntityRef?: string;
      subject?: string;
    };
    const caller = principal.userEntityRef ?? principal.subject ?? 'unknown';
    const resolved = await scopes.resolveServices([
      ...new Set(parsed.events.map(e => e.service)),
    ]);
    const bySource = new Map<string, typeof parsed.events>();
    for (const event of parsed.events) {
      const source = event.source ?? caller;
      bySource.set(source, [...(bySource.get(source) ?? []), event]);
    }
    let accepted = 0;
    let unchanged = 0;
    for (const [source, events] of bySource) {
      const result = await store.ingest(
        source,
        events.map(event => ({
          event,
          entityRef: resolved.get(event.service) ?? null,
        })),
      );
      accepted += result.accepted;
      unchanged += result.unchanged;
    }
    const unattributed = [...resolved]
      .filter(([, ref]) => !ref)
      .map(([s]) => s);
    res.json({ accepted, unchanged, unattributedServices: unattributed });
  });

  router.get('/metrics', async (req, res) => {
    await requireRead(req);
    const { from, to } = parseWindow(req.query);
    const environment = String(req.query.environment ?? 'production');
    const entityRef = req.query.entityRef ? String(req.query.entityRef) : null;
    const unattributedEvents = await attributeLateArrivals(store, scopes);
    const entityRefs = entityRef
      ? await scopes.componentsOf(entityRef)
      : undefined;
    const facts = await store.factsFor({ entityRefs, environment });
    res.json(
      computeMetrics({
        facts,
        entityRef,
        environment,
        from,
        to,
        unattributedEvents,
        rules: options.rules,
      }),
    );
  });

  router.get('/unattributed', async (req, res) => {
    await requireRead(req);
    await attributeLateArrivals(store, scopes);
    res.json({ services: await store.unattributedServices() });
  });

  return router;
}
