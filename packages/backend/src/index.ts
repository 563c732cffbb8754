/*
 * The Paved backend: every plugin the portal runs, wired on the new backend
 * system. Configuration decides where each one reads from (app-config.yaml
 * locally, app-config.production.yaml in production).
 */
import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouter } from './http/rootHttpRouter';
import { summarisedLoggerServiceFactory } from './logging/summarisedLogger';

const backend = createBackend();

// Plugins calling each other over loopback get uncompressed answers.
backend.add(rootHttpRouter);
// A stock plugin's warning repeated per request is written once a minute
// with a count (the TechDocs bucket's missing files, per search pass).
backend.add(summarisedLoggerServiceFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Sign-in: guest locally, GitHub in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Locally, a second one-click identity: an admin of the demo organisation.
backend.add(import('./auth/demoAdminProvider'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

// Software catalog.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Entities that failed processing (e.g. a broken catalog file), for the
// portal's Catalog health page.
backend.add(import('@backstage/plugin-catalog-backend-module-unprocessed'));

// Golden paths.
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// TechDocs and search (Postgres engine in production, in-memory otherwise).
backend.add(import('@backstage/plugin-techdocs-backend'));
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('./search/localSearchEngine'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// Permissions, with Paved's policy.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@paved/plugin-permission-backend-module-paved-policy'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// The events bus: events one replica publishes (catalog changes, signals,
// notifications) reach every replica through the database, not only the
// process that sent them.
backend.add(import('@backstage/plugin-events-backend'));

// The same platform data for AI assistants, and what they need besides:
// the docs, a service's briefing and their changes checked against the
// golden paths.
backend.add(import('@backstage/plugin-mcp-actions-backend'));
backend.add(import('@paved/plugin-assistant-backend'));

// Delivery metrics (DORA).
backend.add(import('@paved/plugin-dora-backend'));
backend.add(import('@paved/plugin-dora-backend-module-github'));
backend.add(import('@paved/plugin-dora-backend-module-demo'));

// Golden paths: guardrails, publish, register and template upgrades.
backend.add(import('@paved/plugin-scaffolder-backend-module-golden-path'));

// Kubernetes status: one watch cache per cluster (the clusters of the
// official Kubernetes plugin's config), workload health for teams.
backend.add(import('@paved/plugin-kube-status-backend'));

// Cost per workload: OpenCost allocations and FOCUS billing exports,
// allocated to catalog entities.
backend.add(import('@paved/plugin-cost-backend'));
backend.add(import('@paved/plugin-cost-backend-module-opencost'));
backend.add(import('@paved/plugin-cost-backend-module-focus'));

// Outcomes: speed, stability and cost as one system, read from the DORA and
// cost APIs on the caller's behalf.
backend.add(import('@paved/plugin-outcomes-backend'));

// Scorecards: every component checked against the platform's standards on
// a schedule, with levels, daily history and roll-ups.
backend.add(import('@paved/plugin-scorecards-backend'));
backend.start();
