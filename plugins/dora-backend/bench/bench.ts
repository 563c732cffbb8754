/*
 * DORA benchmark: builds a synthetic delivery history through the real
 * ingestion path (validation, service resolution, idempotent store) and
 * measures ingest throughput and /metrics latency for a component, a team of
 * 50 components and the whole organisation, on SQLite and PostgreSQL.
 *
 *   yarn workspace @paved/plugin-dora-backend bench            # scale 0.1
 *   DORA_BENCH_SCALE=1 yarn workspace @paved/plugin-dora-backend bench
 *
 * Scale 1 is 1,000 services over one year: ~300,000 deployments,
 * ~1,500,000 changes and 10,000 incidents. Not a test; prints a table.
 */
import knexFactory, { type Knex } from 'knex';
import type {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseDoraStore } from '../src/database/DatabaseDoraStore';
import { DoraEventIngestor } from '../src/service/DoraEventIngestor';
import { DoraMetricsService } from '../src/service/DoraMetricsService';
import { defaultMetricRules } from '../src/metrics/computeMetrics';

const scale = Number(process.env.DORA_BENCH_SCALE ?? '0.1');
const SERVICES = Math.max(50, Math.round(1000 * scale));
const DAYS = 365;
// Averaged over the service mix below this gives ~300 deployments a service.
const DEPLOYMENTS_PER_SERVICE = 316;
const CHANGES_PER_DEPLOYMENT = 5;
const INCIDENTS = Math.round(10_000 * scale);
const TEAM_SIZE = 50;
const start = Date.parse('2025-11-01T00:00:00Z');
const DAY = 86_400_000;

/**
 * SERVICES components in teams of TEAM_SIZE, in the catalog service mock
 * (the catalog's own filter rules and paging, so a team resolves to its 50
 * components as it would in the portal).
 */
function fakeCatalog(): CatalogService {
  const teamOf = (i: number) => `team-${Math.floor(i / TEAM_SIZE)}`;
  const components: Entity[] = Array.from({ length: SERVICES }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: `service-${i}`, namespace: 'default' },
    spec: { owner: teamOf(i) },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${teamOf(i)}` }],
  }));
  const teams: Entity[] = Array.from(
    { length: Math.ceil(SERVICES / TEAM_SIZE) },
    (_, t) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${t}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: [],
    }),
  );
  return catalogServiceMock({ entities: [...components, ...teams] });
}

const auth = {
  async getOwnServiceCredentials() {
    return {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'bench' },
    };
  },
} as unknown as AuthService;

function* history() {
  let incidentsLeft = INCIDENTS;
  for (let s = 0; s < SERVICES; s++) {
    const service = `service-${s}`;
    const deployments = Math.round(
      DEPLOYMENTS_PER_SERVICE * (0.5 + (s % 10) / 10),
    );
    for (let d = 0; d < deployments; d++) {
      const finished =
        start + Math.floor((d / deployments) * DAYS * DAY) + (s % 97) * 60_000;
      const shas = Array.from({ length: CHANGES_PER_DEPLOYMENT }, (_, c) =>
        `${s.toString(16)}x${d.toString(16)}x${c}`.padEnd(12, '0'),
      );
      for (const [c, sha] of shas.entries()) {
        yield {
          type: 'change',
          id: `c-${sha}`,
          service,
          sha,
          authoredAt: new Date(
            finished - (c + 1) * 3 * 3_600_000,
          ).toISOString(),
          labels: (d + c) % 17 === 0 ? ['hotfix'] : [],
        };
      }
      yield {
        type: 'deployment',
        id: `d-${s}-${d}`,
        service,
        environment: 'production',
        status: d % 23 === 0 ? 'failure' : 'success',
        startedAt: new Date(finished - 600_000).toISOString(),
        finishedAt: new Date(finished).toISOString(),
        commitSha: shas[shas.length - 1],
        commits: shas,
        rollback: d % 41 === 40,
      };
      if (
        incidentsLeft > 0 &&
        d % Math.max(1, Math.floor(deployments / (INCIDENTS / SERVICES))) === 0
      ) {
        incidentsLeft--;
        yield {
          type: 'incident',
          id: `i-${s}-${d}`,
          service,
          environment: 'production',
          openedAt: new Date(finished + 1_800_000).toISOString(),
          resolvedAt: new Date(finished + 7_200_000).toISOString(),
          causedByDeploymentId: `d-${s}-${d}`,
        };
      }
    }
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};

async function time(fn: () => Promise<unknown>, runs: number) {
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    durations.push(performance.now() - t);
  }
  return {
    first: durations[0],
    p50: percentile(durations.slice(1), 0.5),
    p95: percentile(durations.slice(1), 0.95),
  };
}

const logger = {
  warn: (message: string) => process.stderr.write(`${message}\n`),
} as unknown as LoggerService;

/**
 * What autovacuum does on a production server. The PostgreSQL on the
 * machines this project runs on has autovacuum off, and without table
 * statistics the planner looks up a batch's ids with a scan of the whole
 * primary key, which makes ingest slower with every batch.
 */
async function refreshPlannerStatistics(knex: Knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ANALYZE dora_deployments, dora_changes, dora_incidents');
}

async function run(name: string, knex: Knex) {
  const database = { getClient: async () => knex } as DatabaseService;
  const store = await DatabaseDoraStore.create({ database });
  const catalog = fakeCatalog();
  const metrics = DoraMetricsService.create({
    store,
    catalog,
    auth,
    rules: defaultMetricRules,
    logger,
  });
  const ingestor = DoraEventIngestor.create({
    store,
    catalog,
    auth,
    onStored: () => metrics.refreshSoon(),
  });

  let batch: unknown[] = [];
  let events = 0;
  const t0 = performance.now();
  for (const event of history()) {
    batch.push(event);
    if (batch.length === 1000) {
      await ingestor.ingest('bench', batch);
      events += batch.length;
      batch = [];
      if (events % 100_000 === 0) await refreshPlannerStatistics(knex);
    }
  }
  if (batch.length) {
    await ingestor.ingest('bench', batch);
    events += batch.length;
  }
  const ingestSeconds = (performance.now() - t0) / 1000;
  // Analysis runs in the background while events arrive; this is how long
  // after the last batch every entity's analysis is current.
  const t1 = performance.now();
  await metrics.settled();
  const settleSeconds = (performance.now() - t1) / 1000;

  const window = {
    from: new Date(start + 270 * DAY).toISOString(),
    to: new Date(start + 360 * DAY).toISOString(),
  };
  // Reads resolve their scope with the caller's credentials.
  const caller = await auth.getOwnServiceCredentials();
  const component = await time(
    () =>
      metrics.metrics(
        { ...window, entityRef: 'component:default/service-7' },
        caller,
      ),
    20,
  );
  const team = await time(
    () =>
      metrics.metrics({ ...window, entityRef: 'group:default/team-0' }, caller),
    10,
  );
  const org = await time(() => metrics.metrics(window, caller), 10);
  return {
    name,
    events,
    ingestPerSecond: Math.round(events / ingestSeconds),
    settleSeconds,
    component,
    team,
    org,
    rssMiB: Math.round(process.memoryUsage().rss / 1024 / 1024),
  };
}

async function main() {
  const results = [];
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  results.push(await run('SQLite (in memory)', sqlite));
  await sqlite.destroy();

  const pgUrl =
    process.env.DORA_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432';
  const admin = knexFactory({ client: 'pg', connection: `${pgUrl}/postgres` });
  const db = `dora_bench_${process.pid}`;
  try {
    await admin.raw(`CREATE DATABASE ${db}`);
    const pg = knexFactory({ client: 'pg', connection: `${pgUrl}/${db}` });
    results.push(await run('PostgreSQL', pg));
    await pg.destroy();
  } catch (e) {
    console.error(`PostgreSQL skipped: ${e}`);
  } finally {
    await admin
      .raw(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
      .catch(() => {});
    await admin.destroy();
  }

  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const cell = (t: { first: number; p50: number; p95: number }) =>
    `${ms(t.first)}, ${ms(t.p50)} / ${ms(t.p95)}`;
  console.log(
    `\nscale ${scale}: ${SERVICES} services, teams of ${TEAM_SIZE}, window 90 days\n`,
  );
  console.log(
    '| database | events | ingest (events/s) | analysis current after | component: first, p50 / p95 | team: first, p50 / p95 | org: first, p50 / p95 | RSS |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.events.toLocaleString(
        'en-US',
      )} | ${r.ingestPerSecond.toLocaleString(
        'en-US',
      )} | ${r.settleSeconds.toFixed(1)} s | ${cell(r.component)} | ${cell(
        r.team,
      )} | ${cell(r.org)} | ${r.rssMiB} MiB |`,
    );
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
