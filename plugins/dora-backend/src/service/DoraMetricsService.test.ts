import {
  mockCredentials,
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseDoraStore } from '../database/DatabaseDoraStore';
import { defaultMetricRules } from '../metrics/computeMetrics';
import { DoraMetricsService } from './DoraMetricsService';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const TEAMS = ['small', 'large'];
/** More than a read analyses itself. */
const LARGE_TEAM_SERVICES = 30;

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

const group = (name: string, type: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type, children: [] },
});

/** A deployment of a component, as CI reports it, attributed to it. */
const deployment = (name: string, id = `deploy-${name}`) => ({
  entityRef: `component:default/${name}`,
  event: {
    type: 'deployment' as const,
    id,
    service: name,
    environment: 'production',
    status: 'success' as const,
    startedAt: '2026-10-02T09:00:00Z',
    finishedAt: '2026-10-02T10:00:00Z',
    commitSha: 'abc1234',
  },
});

const names = [
  'small-a',
  'small-b',
  ...Array.from({ length: LARGE_TEAM_SERVICES }, (_, i) => `large-${i}`),
];
const entities: Entity[] = [
  ...names.map(name => component(name, name.split('-')[0])),
  ...TEAMS.map(team => group(team, 'team')),
];

/**
 * The service over a store in `knex`, with the catalog of `catalog`
 * (another replica, or the backend restarted, on the same `knex`).
 */
async function metricsOn(
  knex: Knex,
  catalog: Entity[] = entities,
  rules = defaultMetricRules,
) {
  const store = await DatabaseDoraStore.create({
    database: mockServices.database({ knex }),
  });
  const logger = mockServices.logger.mock();
  const metrics = DoraMetricsService.create({
    store,
    catalog: catalogServiceMock({ entities: catalog }),
    auth: mockServices.auth(),
    rules,
    logger,
    // The pass waits for more batches a moment only: the tests send theirs
    // before they read.
    refreshDelayMs: 20,
  });
  return { store, metrics, logger };
}

const window = {
  from: '2026-10-01T00:00:00Z',
  to: '2026-10-31T00:00:00Z',
};

describe('DoraMetricsService reads while analysis is behind', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  /** The service, with deployments of `sent` stored but not analysed. */
  async function service(sent = names) {
    const { store, metrics } = await metricsOn(
      await databases.init('SQLITE_3'),
    );
    // Stored but not analysed yet: as just after a large ingest, before
    // the background pass.
    await store.ingest(
      'ci',
      sent.map(name => deployment(name)),
    );
    return metrics;
  }

  it('analyses a few stale components itself, so a team sees what it just sent', async () => {
    const metrics = await service(['small-a', 'small-b']);
    const small = await metrics.metrics(
      { ...window, entityRef: 'group:default/small' },
      mockCredentials.user(),
    );
    expect(small.deploymentFrequency.deployments).toBe(2);
    expect(small.analysisPending).toBe(0);
  });

  it('answers even a small scope from what is analysed while a large ingest is being analysed elsewhere', async () => {
    const metrics = await service();
    const small = await metrics.metrics(
      { ...window, entityRef: 'group:default/small' },
      mockCredentials.user(),
    );
    // The two components of team small are stale, and so are the thirty of
    // team large: a backlog the read does not queue behind.
    expect(small.analysisPending).toBe(2);
    await metrics.settled();
  });

  it('answers a large scope from what is analysed, saying how much is pending, and is complete once the background pass ran', async () => {
    const metrics = await service();
    const started = Date.now();
    const large = await metrics.metrics(
      { ...window, entityRef: 'group:default/large' },
      mockCredentials.user(),
    );
    expect(large.analysisPending).toBe(LARGE_TEAM_SERVICES);
    expect(large.deploymentFrequency.deployments).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);

    await metrics.settled();
    const after = await metrics.metrics(
      { ...window, entityRef: 'group:default/large' },
      mockCredentials.user(),
    );
    expect(after.analysisPending).toBe(0);
    expect(after.deploymentFrequency.deployments).toBe(LARGE_TEAM_SERVICES);
  });
});

describe('DoraMetricsService when the metric rules change', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const DAY = 86_400_000;
  const withWindow = (days: number) => ({
    ...defaultMetricRules,
    incidentAttributionWindowMs: days * DAY,
  });
  const smallA = {
    ...window,
    entityRef: 'component:default/small-a',
  };
  /** An incident three days after small-a's deployment, no cause named. */
  const incident = (id: string) => ({
    entityRef: 'component:default/small-a',
    event: {
      type: 'incident' as const,
      id,
      service: 'small-a',
      environment: 'production',
      openedAt: '2026-10-05T10:00:00Z',
      resolvedAt: '2026-10-05T12:00:00Z',
    },
  });

  it.each(databases.eachSupportedId())(
    'analyses every entity again after a restart with another attribution window, and not after one with the same (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const week = await metricsOn(knex, entities, withWindow(7));
      expect(await week.metrics.adoptRules()).toBe(0);
      await week.store.ingest('ci', [
        deployment('small-a'),
        deployment('small-b'),
        incident('inc-1'),
      ]);
      const before = await week.metrics.metrics(smallA, mockCredentials.user());
      // Within seven days: the deployment caused the incident.
      expect(before.changeFailRate.failed).toBe(1);

      // Restarted with a window of one day.
      const day = await metricsOn(knex, entities, withWindow(1));
      expect(await day.metrics.adoptRules()).toBe(2);
      await day.metrics.settled();
      const after = await day.metrics.metrics(smallA, mockCredentials.user());
      expect(after.analysisPending).toBe(0);
      expect(after.changeFailRate.failed).toBe(0);
      expect(after.changeFailRate.deployments).toBe(1);
      expect(day.logger.info).toHaveBeenCalledWith(
        'DORA metric rules changed: analysing 2 entities again in the background',
      );

      // Restarted again as it is: nothing to analyse again.
      const again = await metricsOn(knex, entities, withWindow(1));
      expect(await again.metrics.adoptRules()).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves analyses to the replicas on the adopted rules during a rolling deploy (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const old = await metricsOn(knex, entities, withWindow(7));
      await old.metrics.adoptRules();
      await old.store.ingest('ci', [deployment('small-a')]);
      await old.metrics.metrics(smallA, mockCredentials.user());

      // A new replica starts with a window of one day, then the incident
      // arrives.
      const updated = await metricsOn(knex, entities, withWindow(1));
      await updated.metrics.adoptRules();
      await updated.store.ingest('ci', [incident('inc-1')]);

      // The old replica answers from what is analysed, the incident
      // pending, rather than storing a verdict of its own rules.
      const onOld = await old.metrics.metrics(smallA, mockCredentials.user());
      expect(onOld.analysisPending).toBe(1);
      expect(onOld.changeFailRate.failed).toBe(0);
      expect(old.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('DORA analysis paused on this replica'),
      );

      const onNew = await updated.metrics.metrics(
        smallA,
        mockCredentials.user(),
      );
      expect(onNew.analysisPending).toBe(0);
      expect(onNew.changeFailRate.failed).toBe(0);
      await Promise.all([old.metrics.settled(), updated.metrics.settled()]);
    },
  );
});

describe('DoraMetricsService reads of the organisation', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  /** More components than a scope whose members go with its statements. */
  const ORGANISATION = 1_200;
  const services = Array.from({ length: ORGANISATION }, (_, i) => `svc-${i}`);
  const organisation: Entity[] = [
    ...services.map(name => component(name, 'platform')),
    group('platform', 'team'),
  ];
  /** Every component deployed once, stored but not analysed yet. */
  async function deployedEverywhere(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const { store, metrics } = await metricsOn(knex, organisation);
    await store.ingest(
      'ci',
      services.map(name => deployment(name)),
    );
    return { knex, store, metrics };
  }

  it.each(databases.eachSupportedId())(
    'sends no list of its members to the database, and reads during a backlog share one reading of what is stale (%p)',
    async databaseId => {
      const { knex, metrics } = await deployedEverywhere(databaseId);
      // The first read finds the backlog.
      const first = await metrics.metrics(window, mockCredentials.user());
      expect(first.analysisPending).toBe(ORGANISATION);
      const sent: Array<{ sql: string; bytes: number }> = [];
      knex.on('query', (q: { sql: string; bindings?: unknown[] }) =>
        sent.push({
          sql: q.sql,
          bytes: JSON.stringify(q.bindings ?? []).length,
        }),
      );
      const reads = await Promise.all(
        Array.from({ length: 5 }, () =>
          metrics.metrics(window, mockCredentials.user()),
        ),
      );
      // Every read answers at once from what is analysed, all pending.
      for (const read of reads) {
        expect(read.analysisPending).toBe(ORGANISATION);
      }
      // The five shared one reading of the stale analyses (the first
      // read's, or one more if a second had passed), and no statement
      // carried the organisation's refs (about 36 KB; the background
      // pass's chunk of 100 is under 4 KB).
      const staleReads = sent.filter(
        s =>
          s.sql.includes('dora_analysis_versions') &&
          s.sql.includes('dora_entity_versions'),
      );
      expect(staleReads.length).toBeLessThanOrEqual(1);
      expect(Math.max(...sent.map(s => s.bytes))).toBeLessThan(10_000);
      await metrics.settled();
    },
  );

  it.each(databases.eachSupportedId())(
    'without a backlog sees the deployments stored just before it (%p)',
    async databaseId => {
      const { store, metrics } = await deployedEverywhere(databaseId);
      await metrics.metrics(window, mockCredentials.user());
      await metrics.settled();
      const before = await metrics.metrics(window, mockCredentials.user());
      expect(before.analysisPending).toBe(0);
      expect(before.deploymentFrequency.deployments).toBe(ORGANISATION);

      // Two teams' pipelines report: too few to be a backlog.
      await store.ingest('ci', [
        deployment('svc-1', 'again-1'),
        deployment('svc-2', 'again-2'),
      ]);
      const after = await metrics.metrics(window, mockCredentials.user());
      expect(after.analysisPending).toBe(0);
      expect(after.deploymentFrequency.deployments).toBe(ORGANISATION + 2);
      await metrics.settled();
    },
  );
});

describe('DoraMetricsService keeps a large scope summary', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  /** A department: more components than a summary is kept for. */
  const services = Array.from({ length: 120 }, (_, i) => `dept-${i}`);
  const department: Entity[] = [
    ...services.map(name => component(name, 'dept')),
    group('dept', 'department'),
  ];
  const deployments = (day: string) =>
    services.map(name => ({
      entityRef: `component:default/${name}`,
      event: {
        type: 'deployment' as const,
        id: `deploy-${name}-${day}`,
        service: name,
        environment: 'production',
        status: 'success' as const,
        startedAt: `2026-10-${day}T09:00:00Z`,
        finishedAt: `2026-10-${day}T10:00:00Z`,
        commitSha: `abc${day}`,
      },
    }));

  /** The department, its first day stored, read and analysed. */
  async function departmentRead(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const { store, metrics } = await metricsOn(knex, department);
    const read = () =>
      metrics.metrics(
        { ...window, entityRef: 'group:default/dept' },
        mockCredentials.user(),
      );
    // Every department at once keeps its summaries the same way.
    const departments = async () =>
      (
        await metrics.groups(
          { ...window, type: 'department' },
          mockCredentials.user(),
        )
      ).groups[0].metrics;
    await store.ingest('ci', deployments('02'));
    await read();
    await metrics.settled();
    return { store, metrics, read, departments };
  }

  /**
   * Makes the store's `methods` wait, from now on, until `release` is
   * called; `entered` settles when the first call arrives. Lets a read land
   * while the background is in the middle of its work.
   */
  function holdStore(
    store: DatabaseDoraStore,
    methods: Array<
      'replaceAnalyses' | 'deploymentSummary' | 'deploymentSummaries'
    >,
  ) {
    let release = () => {};
    const released = new Promise<void>(resolve => {
      release = resolve;
    });
    let enter = () => {};
    const entered = new Promise<void>(resolve => {
      enter = resolve;
    });
    const held =
      (call: (...args: unknown[]) => unknown) =>
      async (...args: unknown[]) => {
        enter();
        await released;
        return call(...args);
      };
    for (const method of methods) {
      const call = (store[method] as (...args: unknown[]) => unknown).bind(
        store,
      );
      Object.assign(store, { [method]: held(call) });
    }
    return { entered, release };
  }

  /**
   * Counts the sums of this kind the store is asked for from now on (the
   * store is a proxy, which jest.spyOn cannot watch).
   */
  function countSums(
    store: DatabaseDoraStore,
    kind:
      | 'deploymentSummary'
      | 'deploymentSummaries'
      | 'intervalSummaries'
      | 'analysisFingerprint' = 'deploymentSummary',
  ) {
    const sums = { count: 0 };
    const sum = (store[kind] as (...args: unknown[]) => unknown).bind(store);
    Object.assign(store, {
      [kind]: (...args: unknown[]) => {
        sums.count += 1;
        return sum(...args);
      },
    });
    return sums;
  }

  it.each(databases.eachSupportedId())(
    'never answers a kept summary once newer analyses are done (%p)',
    async databaseId => {
      const { store, metrics, read, departments } = await departmentRead(
        databaseId,
      );

      const first = await read();
      expect(first.analysisPending).toBe(0);
      expect(first.deploymentFrequency.deployments).toBe(120);
      // Unchanged analyses: the same answer.
      expect((await read()).deploymentFrequency.deployments).toBe(120);
      expect((await departments()).deploymentFrequency.deployments).toBe(120);

      // A second day arrives: until it is analysed the department answers
      // what was analysed, saying how much is pending …
      await store.ingest('ci', deployments('03'));
      const during = await read();
      expect(during.analysisPending).toBe(120);
      expect(during.deploymentFrequency.deployments).toBe(120);
      expect((await departments()).analysisPending).toBe(120);
      // … and once it is, never the kept summary.
      await metrics.settled();
      const after = await read();
      expect(after.analysisPending).toBe(0);
      expect(after.deploymentFrequency.deployments).toBe(240);
      expect(await departments()).toEqual(after);
    },
  );

  it.each(databases.eachSupportedId())(
    "keeps a large scope's weekly trend like its summary: summed once, never answered once newer analyses are done (%p)",
    async databaseId => {
      const { store, metrics } = await departmentRead(databaseId);
      const trend = async () =>
        (
          await metrics.metrics(
            { ...window, entityRef: 'group:default/dept', trend: 'week' },
            mockCredentials.user(),
          )
        ).trend!.points.map(p => p.deploymentFrequency.value);
      const sums = countSums(store, 'intervalSummaries');

      const first = await trend();
      // The first week of the window holds the 120 deployments.
      expect(first[0]).toBe(120);
      expect(first.slice(1).every(value => !value)).toBe(true);
      expect(await trend()).toEqual(first);
      expect(sums.count).toBe(1);

      // A second day, analysed: the trend is summed again and shows it.
      await store.ingest('ci', deployments('03'));
      metrics.refreshSoon();
      await metrics.settled();
      expect((await trend())[0]).toBe(240);
    },
  );

  it.each(databases.eachSupportedId())(
    "checks a kept scope's analyses once a read, and not at all while an ingest is analysed (%p)",
    async databaseId => {
      const { store, metrics } = await departmentRead(databaseId);
      const compared = () =>
        metrics.metrics(
          {
            ...window,
            entityRef: 'group:default/dept',
            previousWindows: '2',
            trend: 'week',
          },
          mockCredentials.user(),
        );
      await compared();
      const checks = countSums(store, 'analysisFingerprint');

      // The window, the two before it and the weekly trend: one check.
      const analysed = await compared();
      expect(analysed.deploymentFrequency.deployments).toBe(120);
      expect(checks.count).toBe(1);

      // A second day arrives: while it waits for analysis, reads answer
      // what was analysed without checking again …
      await store.ingest('ci', deployments('03'));
      const during = await compared();
      expect(during.analysisPending).toBe(120);
      expect(during.deploymentFrequency.deployments).toBe(120);
      expect(checks.count).toBe(1);

      // … and once it is analysed, the next read shows it.
      await metrics.settled();
      const after = await compared();
      expect(after.analysisPending).toBe(0);
      expect(after.deploymentFrequency.deployments).toBe(240);
    },
  );

  it.each(databases.eachSupportedId())(
    "keeps a scope's breakdown by service like its summary (%p)",
    async databaseId => {
      const { store, metrics } = await departmentRead(databaseId);
      const breakdown = async () =>
        (
          await metrics.breakdown(
            { ...window, entityRef: 'group:default/dept' },
            mockCredentials.user(),
          )
        ).services;
      const sums = countSums(store, 'deploymentSummaries');

      const first = await breakdown();
      expect(first).toHaveLength(120);
      expect(
        first.every(s => s.metrics.deploymentFrequency.deployments === 1),
      ).toBe(true);
      expect(await breakdown()).toEqual(first);
      expect(sums.count).toBe(1);

      // A second day, analysed: every service shows it.
      await store.ingest('ci', deployments('03'));
      metrics.refreshSoon();
      await metrics.settled();
      const after = await breakdown();
      expect(
        after.every(s => s.metrics.deploymentFrequency.deployments === 2),
      ).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'sums a scope read during an ingest again once the backlog is analysed, so the next read answers at once (%p)',
    async databaseId => {
      const { store, metrics, read } = await departmentRead(databaseId);
      expect((await read()).deploymentFrequency.deployments).toBe(120);

      // A second day arrives and is read while it is being analysed …
      await store.ingest('ci', deployments('03'));
      expect((await read()).analysisPending).toBe(120);
      await metrics.settled();

      // … so once the backlog is analysed, the background has summed the
      // department again: the next read sums nothing.
      const sums = countSums(store);
      const after = await read();
      expect(after.analysisPending).toBe(0);
      expect(after.deploymentFrequency.deployments).toBe(240);
      expect(sums.count).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'sums every scope read lately again once the backlog is analysed, not only a few (%p)',
    async databaseId => {
      const { store, metrics } = await departmentRead(databaseId);
      // Thirty windows of the department, each a summary kept of its own
      // (as a team, a department and an organisation read directly and
      // through Outcomes keep about thirty).
      const windows = Array.from({ length: 30 }, (_, i) => ({
        from: `2026-09-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
        to: '2026-10-31T00:00:00Z',
      }));
      const readAll = () =>
        Promise.all(
          windows.map(w =>
            metrics.metrics(
              { ...w, entityRef: 'group:default/dept' },
              mockCredentials.user(),
            ),
          ),
        );
      await readAll();

      await store.ingest('ci', deployments('03'));
      metrics.refreshSoon();
      await metrics.settled();

      const sums = countSums(store);
      const after = await readAll();
      expect(after.every(m => m.deploymentFrequency.deployments === 240)).toBe(
        true,
      );
      expect(sums.count).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'sums a scope again once the backlog is analysed, also when it is read while the backlog is being analysed (%p)',
    async databaseId => {
      const { store, metrics, read } = await departmentRead(databaseId);
      await store.ingest('ci', deployments('03'));
      // Each analysis waits until released, so that a read lands while the
      // background works through the backlog.
      const { entered: started, release } = holdStore(store, [
        'replaceAnalyses',
      ]);

      expect((await read()).analysisPending).toBe(120);
      await started;
      expect((await read()).analysisPending).toBe(120);
      release();
      await metrics.settled();

      const sums = countSums(store);
      const after = await read();
      expect(after.analysisPending).toBe(0);
      expect(after.deploymentFrequency.deployments).toBe(240);
      expect(sums.count).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers at once while its summary is summed again after a backlog, saying every member is pending (%p)',
    async databaseId => {
      const { store, metrics, read, departments } = await departmentRead(
        databaseId,
      );
      await departments();
      // Every sum from now on waits until released, so that reads land
      // while the background sums the kept summaries again.
      const { entered: resumStarted, release } = holdStore(store, [
        'deploymentSummary',
        'deploymentSummaries',
      ]);

      await store.ingest('ci', deployments('03'));
      expect((await read()).analysisPending).toBe(120);
      await resumStarted;
      const timeout = new Promise<'waited'>(resolve =>
        setTimeout(() => resolve('waited'), 5000),
      );
      const during = await Promise.race([read(), timeout]);
      const groupsDuring = await Promise.race([departments(), timeout]);
      expect(during).not.toBe('waited');
      expect(groupsDuring).not.toBe('waited');
      if (during === 'waited' || groupsDuring === 'waited') {
        release();
        return;
      }
      expect(during.deploymentFrequency.deployments).toBe(120);
      expect(during.analysisPending).toBe(120);
      expect(groupsDuring.analysisPending).toBe(120);

      release();
      await metrics.settled();
      const after = await read();
      expect(after.analysisPending).toBe(0);
      expect(after.deploymentFrequency.deployments).toBe(240);
      expect((await departments()).deploymentFrequency.deployments).toBe(240);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers a kept summary past its age within a moment while a backlog is analysed, and sums it again in the background (%p)',
    async databaseId => {
      const { store, metrics, read } = await departmentRead(databaseId);
      await read();
      // A second day: the background analyses ten components of it and
      // then stalls (an organisation's backlog being worked through), so
      // the department's analyses have changed and most are still pending.
      await store.ingest('ci', deployments('03'));
      const analyse = store.replaceAnalyses.bind(store);
      let analysed = 0;
      let resume = () => {};
      const stalled = new Promise<void>(resolve => {
        resume = resolve;
      });
      Object.assign(store, {
        replaceAnalyses: async (...args: Parameters<typeof analyse>) => {
          if (++analysed > 10) await stalled;
          return analyse(...args);
        },
      });
      expect((await read()).analysisPending).toBe(120);
      while (analysed <= 10) await sleep(10);
      // The kept summary is now a minute old, and summing it again takes
      // as long as the held store lets it.
      const now = Date.now();
      const clock = jest
        .spyOn(Date, 'now')
        .mockImplementation(() => now + 60_000);
      const { release } = holdStore(store, ['deploymentSummary']);
      try {
        const timeout = new Promise<'waited'>(resolve =>
          setTimeout(() => resolve('waited'), 5000),
        );
        const during = await Promise.race([read(), timeout]);
        expect(during).not.toBe('waited');
        if (during === 'waited') return;
        // What was summed before, saying every member is pending.
        expect(during.deploymentFrequency.deployments).toBe(120);
        expect(during.analysisPending).toBe(120);
      } finally {
        release();
        resume();
        clock.mockRestore();
      }
      await metrics.settled();
      const after = await read();
      expect(after.analysisPending).toBe(0);
      expect(after.deploymentFrequency.deployments).toBe(240);
    },
  );

  it.each(databases.eachSupportedId())(
    'sums a changed scope once for two reads at once (%p)',
    async databaseId => {
      const { store, read } = await departmentRead(databaseId);
      await read();

      // One more deployment: few stale, so each read analyses it itself,
      // and both find the department's kept summary out of date.
      await store.ingest('ci', deployments('03').slice(0, 1));
      const sums = countSums(store);
      const [first, second] = await Promise.all([read(), read()]);
      expect(first.deploymentFrequency.deployments).toBe(121);
      expect(second).toEqual(first);
      expect(sums.count).toBe(1);
    },
  );
});

describe('DoraMetricsService day totals', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('compacts the day totals of analyses that reads made themselves', async () => {
    const knex = await databases.init('POSTGRES_15');
    const { store, metrics } = await metricsOn(knex);
    const entityRef = 'component:default/small-a';
    for (const [i, finishedAt] of [
      '2026-10-02T10:00:00Z',
      '2026-10-02T11:00:00Z',
    ].entries()) {
      await store.ingest('ci', [
        {
          entityRef,
          event: {
            type: 'deployment' as const,
            id: `deploy-${i}`,
            service: 'small-a',
            environment: 'production',
            status: 'success' as const,
            startedAt: '2026-10-02T09:00:00Z',
            finishedAt,
            commitSha: 'abc1234',
          },
        },
      ]);
      // Few stale components and no backlog: the read analyses them.
      const read = await metrics.metrics(
        { ...window, entityRef },
        mockCredentials.user(),
      );
      expect(read.deploymentFrequency.deployments).toBe(i + 1);
    }
    const rows = async () =>
      Number((await knex('dora_day_totals').count({ n: '*' }))[0].n);
    // Each analysis appended what it changed on the day.
    expect(await rows()).toBe(2);

    // The next pass finds nothing stale and folds the day into one row.
    metrics.refreshSoon();
    await metrics.settled();
    expect(await rows()).toBe(1);
  });
});
