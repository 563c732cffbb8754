/*
 * Cost benchmark: imports a year of OpenCost-style allocations and a FOCUS
 * billing file through the real sink (one transaction per replace, label
 * sets, allocation refresh) and times the 90-day entity and team reads, on
 * SQLite and PostgreSQL. Not a test; prints a table.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/bench.ts
 *   COST_BENCH_SCALE=1 node --require ... bench/bench.ts   # full scale
 *   COST_BENCH_FOCUS_CSV=1 ...   # FOCUS rows from a generated CSV file
 *                                # through parseFocusCsv (the FOCUS module)
 *
 * Scale 1: 1,000 workloads × 365 days (365,000 workload rows + idle rows of
 * 3 clusters) and 1,000,000 FOCUS rows.
 */
import {
  createWriteStream,
  createReadStream,
  mkdtempSync,
  rmSync,
} from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type {
  AuthService,
  DatabaseService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import {
  addDays,
  type CostRecord,
  DAY_MS,
  formatDay,
} from '@paved/plugin-cost-common';
import { DatabaseCostStore } from '../src/database/DatabaseCostStore';
import { CostAllocator } from '../src/service/CostAllocator';
import {
  CostService,
  defaultAllocationRules,
} from '../src/service/CostService';
import { CostSink } from '../src/service/CostSink';

const scale = Number(process.env.COST_BENCH_SCALE ?? '0.1');
const WORKLOADS = Math.max(50, Math.round(1000 * scale));
const DAYS = 365;
const FOCUS_ROWS = Math.round(1_000_000 * scale);
const CLUSTERS = 3;
// Days per OpenCost request (DAYS_PER_REQUEST of the OpenCost module).
const OPENCOST_RUN_DAYS = 10;
const TEAM_SIZE = 50;
const FIRST_DAY = Date.parse('2025-11-01T00:00:00Z');
// The days as strings once: generating the input should not cost more
// than importing it.
const DAY_STRINGS = Array.from({ length: DAYS + 1 }, (_, i) =>
  formatDay(FIRST_DAY + i * DAY_MS),
);
const dayOf = (i: number) => DAY_STRINGS[i];
const END = dayOf(DAYS);
// COST_BENCH_DB=sqlite or pg runs one database (a clean peak RSS for each).
const databases = (process.env.COST_BENCH_DB ?? 'sqlite,pg').split(',');
const keepDatabase = process.env.COST_BENCH_KEEP === '1';

/**
 * WORKLOADS components in teams of TEAM_SIZE, behind the in-memory catalog
 * of @backstage/catalog-client (the catalog's own filter rules, so a team
 * resolves to its 50 components as it would in the portal; lighter than
 * the service mock, which loads the backend test utilities).
 */
function fakeCatalog(): CatalogService {
  const teamOf = (i: number) => `team-${Math.floor(i / TEAM_SIZE)}`;
  const components: Entity[] = Array.from({ length: WORKLOADS }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `service-${i}`,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': `service-${i}` },
    },
    spec: { type: 'service', lifecycle: 'production', owner: teamOf(i) },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${teamOf(i)}` }],
  }));
  const groups: Entity[] = Array.from(
    { length: Math.ceil(WORKLOADS / TEAM_SIZE) },
    (_, t) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${t}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: [],
    }),
  );
  // It takes the credentials argument of CatalogService and ignores it.
  return new InMemoryCatalogClient({
    entities: [...components, ...groups],
  }) as unknown as CatalogService;
}

const auth = {
  async getOwnServiceCredentials() {
    return {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'bench' },
    };
  },
} as unknown as AuthService;

const logger = {
  info: () => {},
  warn: (message: string) => process.stderr.write(`${message}\n`),
} as unknown as LoggerService;

const config = {
  getOptional: () => undefined,
  getOptionalString: () => undefined,
} as unknown as RootConfigService;

/** One day of OpenCost allocations of one cluster: its workloads and __idle__. */
function* openCostRun(
  from: number,
  to: number,
  cluster: number,
): Generator<CostRecord> {
  for (let day = from; day < to; day++) yield* openCostDay(day, cluster);
}

function* openCostDay(day: number, cluster: number): Generator<CostRecord> {
  const date = dayOf(day);
  let requested = 0;
  for (let w = cluster; w < WORKLOADS; w += CLUSTERS) {
    const cost = 2 + (w % 17) + Math.sin(day / 7 + w) * 0.5;
    requested += cost;
    yield {
      day: date,
      kind: 'workload',
      labels: { app: `service-${w}`, tier: w % 2 ? 'web' : 'worker' },
      cluster: `cluster-${cluster}`,
      namespace: `ns-${w % 20}`,
      controller: `service-${w}`,
      controllerKind: 'deployment',
      costs: { compute: cost * 0.6, memory: cost * 0.3, storage: cost * 0.1 },
      effectiveCost: cost,
      cpuEfficiency: 0.3 + (w % 5) / 10,
      ramEfficiency: 0.5,
      totalEfficiency: 0.4,
      cpuCoreHours: 24,
      ramByteHours: 24 * 2 ** 30,
    };
  }
  yield {
    day: date,
    kind: 'idle',
    labels: {},
    cluster: `cluster-${cluster}`,
    costs: { idle: requested * 0.2 },
    effectiveCost: requested * 0.2,
  };
}

/** A FOCUS row: most tagged with a workload's app, some with nothing known. */
function focusRow(i: number) {
  const day = Math.floor((i / FOCUS_ROWS) * DAYS);
  const resource = i % 5000;
  const tags: Record<string, string> =
    resource % 5 === 0
      ? { 'cost-center': `cc-${resource % 40}` }
      : { app: `service-${resource % WORKLOADS}` };
  const cost = 0.05 + (i % 97) / 100;
  return { day: dayOf(day), resource, tags, cost };
}

function* focusRecords(): Generator<CostRecord> {
  for (let i = 0; i < FOCUS_ROWS; i++) {
    const { day, resource, tags, cost } = focusRow(i);
    yield {
      day,
      kind: 'cloud',
      labels: tags,
      resourceId: `arn:aws:ec2:eu-west-1:123456789012:volume/vol-${resource}`,
      resourceName: `vol-${resource}`,
      serviceName: 'Amazon Elastic Block Store',
      serviceCategory: 'Storage',
      regionId: 'eu-west-1',
      subAccountId: '123456789012',
      chargeCategory: 'Usage',
      costs: { storage: cost },
      effectiveCost: cost,
      billedCost: cost * 1.1,
      listCost: cost * 1.3,
    };
  }
}

/** The same rows as a FOCUS 1.x CSV file, for the parseFocusCsv path. */
async function writeFocusCsv(path: string) {
  const out = createWriteStream(path);
  const header =
    'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ListCost,ChargeCategory,ServiceName,ServiceCategory,ResourceId,ResourceName,RegionId,SubAccountId,Tags\n';
  out.write(header);
  for (let i = 0; i < FOCUS_ROWS; i++) {
    const { day, resource, tags, cost } = focusRow(i);
    const end = `${addDays(day, 1)}T00:00:00Z`;
    const line = `${day}T00:00:00Z,${end},${cost * 1.1},${cost},${
      cost * 1.3
    },Usage,Amazon Elastic Block Store,Storage,arn:aws:ec2:eu-west-1:123456789012:volume/vol-${resource},vol-${resource},eu-west-1,123456789012,"${JSON.stringify(
      tags,
    ).replace(/"/g, '""')}"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};

async function time(fn: () => Promise<unknown>, runs: number) {
  await fn(); // warm-up
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    durations.push(performance.now() - t);
  }
  return { p50: percentile(durations, 0.5), p95: percentile(durations, 0.95) };
}

/** What autovacuum would do; this machine's PostgreSQL has it off. */
async function analyze(knex: Knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(
    'ANALYZE cost_rows, cost_label_sets, cost_allocations, cost_source_days',
  );
}

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
// better-sqlite3 is synchronous, so an import on SQLite may never give a
// timer the chance to run: the records are sampled as they stream too.
const sampler = setInterval(sampleRss, 50);
function* sampled<T>(records: Iterable<T>): Generator<T> {
  let n = 0;
  for (const record of records) {
    if (++n % 5000 === 0) sampleRss();
    yield record;
  }
}
async function* sampledAsync<T>(records: AsyncIterable<T>) {
  let n = 0;
  for await (const record of records) {
    if (++n % 5000 === 0) sampleRss();
    yield record;
  }
}

async function run(name: string, knex: Knex, focusCsv?: string) {
  const database = { getClient: async () => knex } as DatabaseService;
  const store = await DatabaseCostStore.create({ database });
  const catalog = fakeCatalog();
  const allocator = CostAllocator.create({
    store,
    catalog,
    auth,
    logger,
    sharedLabels: [],
    rules: defaultAllocationRules,
  });
  // Time spent making stored rows readable: allocating new label sets and
  // rewriting the day pools (what the sink does after the store's replace).
  let derivedMs = 0;
  const afterImport = allocator.afterImport.bind(allocator);
  allocator.afterImport = async imported => {
    const t = performance.now();
    try {
      return await afterImport(imported);
    } finally {
      derivedMs += performance.now() - t;
    }
  };
  const sink = CostSink.create({ store, allocator });
  const startRss = process.memoryUsage().rss;
  peakRss = startRss;

  // OpenCost: one replace per cluster and run of 10 days, in one batch per
  // cluster, as the OpenCost source stores a pull.
  let analyzing = Promise.resolve();
  let analyzedAt = 0;
  let openCostRows = 0;
  const pull = (cluster: number) =>
    sink.batch(async batched => {
      for (let day = 0; day < DAYS; day += OPENCOST_RUN_DAYS) {
        const end = Math.min(day + OPENCOST_RUN_DAYS, DAYS);
        const { stored } = await batched.replace({
          source: `opencost:cluster-${cluster}`,
          from: dayOf(day),
          to: dayOf(end),
          final: true,
          records: openCostRun(day, end, cluster),
        });
        sampleRss();
        openCostRows += stored;
        // In the background on another connection, as autovacuum would.
        if (openCostRows - analyzedAt >= 100_000) {
          analyzedAt = openCostRows;
          analyzing = analyzing.then(() => analyze(knex));
        }
      }
    });
  const t0 = performance.now();
  for (let cluster = 0; cluster < CLUSTERS; cluster++) await pull(cluster);
  const openCostSeconds = (performance.now() - t0) / 1000;
  await analyzing;
  const openCostDerivedSeconds = derivedMs / 1000;
  derivedMs = 0;

  // FOCUS: one file, one replace.
  let records: AsyncIterable<CostRecord> | Iterable<CostRecord> = sampled(
    focusRecords(),
  );
  if (focusCsv) {
    // The FOCUS module's parser, when the bench is asked to parse a file.
    // Loaded by name at run time: the module is not a dependency of this
    // package (lead: add it as a devDependency to make this a plain import).
    const focusModule = '@paved/plugin-cost-backend-module-focus';
    type FocusParser = {
      parseFocusCsv(
        input: NodeJS.ReadableStream,
        options?: { fileName?: string },
      ): AsyncIterable<CostRecord>;
    };
    // A CommonJS module imported dynamically may arrive under `default`.
    const loaded = (await import(focusModule)) as FocusParser & {
      default?: FocusParser;
    };
    const parseFocusCsv = loaded.parseFocusCsv ?? loaded.default!.parseFocusCsv;
    records = sampledAsync(
      parseFocusCsv(createReadStream(focusCsv), { fileName: 'bench.csv' }),
    );
  }
  const t1 = performance.now();
  const { stored: focusRows } = await sink.replace({
    source: 'focus:aws',
    records,
    final: true,
    description: 'bench.csv',
  });
  const focusSeconds = (performance.now() - t1) / 1000;
  const focusDerivedSeconds = derivedMs / 1000;
  sampleRss();
  await analyze(knex);
  const importRss = peakRss;

  const cost = CostService.create({
    store,
    catalog,
    config,
    rules: defaultAllocationRules,
    currency: 'USD',
    logger,
  });
  const window = { from: dayOf(DAYS - 90), to: END };
  const read = async (entityRef: string) =>
    cost.entityCost({
      scope: await cost.resolve(
        entityRef,
        await auth.getOwnServiceCredentials(),
      ),
      window,
      granularity: 'day',
    });
  const entity = await time(() => read('component:default/service-7'), 20);
  const team = await time(() => read('group:default/team-0'), 20);
  const teamScope = await cost.resolve(
    'group:default/team-0',
    await auth.getOwnServiceCredentials(),
  );
  if (teamScope.members.length !== TEAM_SIZE) {
    throw new Error(
      `The team resolved to ${teamScope.members.length} components, not ${TEAM_SIZE}`,
    );
  }
  return {
    name,
    openCostRows,
    openCostPerSecond: Math.round(openCostRows / openCostSeconds),
    openCostStoredPerSecond: Math.round(
      openCostRows / (openCostSeconds - openCostDerivedSeconds),
    ),
    focusRows,
    focusPerSecond: Math.round(focusRows / focusSeconds),
    focusStoredPerSecond: Math.round(
      focusRows / (focusSeconds - focusDerivedSeconds),
    ),
    entity,
    team,
    rssMiB: Math.round(importRss / 1024 / 1024),
    startRssMiB: Math.round(startRss / 1024 / 1024),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'cost-bench-'));
  let focusCsv: string | undefined;
  if (process.env.COST_BENCH_FOCUS_CSV === '1') {
    focusCsv = join(dir, 'focus.csv');
    await writeFocusCsv(focusCsv);
  }
  const results = [];
  try {
    // A file, not :memory:, so the RSS measured is the importer's, not the
    // database's.
    if (databases.includes('sqlite')) {
      const sqlite = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'cost.sqlite') },
        useNullAsDefault: true,
      });
      results.push(await run('SQLite (file)', sqlite, focusCsv));
      await sqlite.destroy();
    }

    const pgUrl =
      process.env.COST_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432';
    const admin = knexFactory({
      client: 'pg',
      connection: `${pgUrl}/postgres`,
    });
    const db = `cost_bench_${process.pid}`;
    try {
      if (!databases.includes('pg')) throw new Error('not asked for');
      await admin.raw(`CREATE DATABASE ${db}`);
      const pg = knexFactory({ client: 'pg', connection: `${pgUrl}/${db}` });
      try {
        results.push(await run('PostgreSQL 15', pg, focusCsv));
      } finally {
        await pg.destroy();
      }
    } catch (e) {
      console.error(`PostgreSQL skipped: ${e}`);
    } finally {
      if (keepDatabase) console.error(`kept PostgreSQL database ${db}`);
      else
        await admin
          .raw(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
          .catch(() => {});
      await admin.destroy();
    }
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }

  const n = (v: number) => v.toLocaleString('en-US');
  const ms = (t: { p50: number; p95: number }) =>
    `${t.p50.toFixed(0)} / ${t.p95.toFixed(0)} ms`;
  console.log(
    `\nscale ${scale}: ${n(
      WORKLOADS,
    )} workloads × ${DAYS} days in ${CLUSTERS} clusters, ${n(
      FOCUS_ROWS,
    )} FOCUS rows${
      focusCsv ? ' parsed from CSV' : ''
    }; reads over 90 days; team = ${TEAM_SIZE} components\n`,
  );
  console.log(
    '| database | OpenCost rows | OpenCost rows/s (stored) | FOCUS rows | FOCUS rows/s (stored) | peak RSS (before import) | entity p50 / p95 | team p50 / p95 |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${n(r.openCostRows)} | ${n(r.openCostPerSecond)} (${n(
        r.openCostStoredPerSecond,
      )}) | ${n(r.focusRows)} | ${n(r.focusPerSecond)} (${n(
        r.focusStoredPerSecond,
      )}) | ${r.rssMiB} MiB (${r.startRssMiB} MiB) | ${ms(r.entity)} | ${ms(
        r.team,
      )} |`,
    );
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
