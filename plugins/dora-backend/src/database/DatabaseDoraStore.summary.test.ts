import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type { DoraDeploymentRow } from '@paved/plugin-dora-common';
import {
  summariseDeployments,
  type DeploymentSummary,
} from '../metrics/computeMetrics';
import { DatabaseDoraStore } from './DatabaseDoraStore';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const start = Date.UTC(2026, 8, 1);

/** A varied, deterministic history: several entities over three months. */
function history(entityRef: string, seed: number): DoraDeploymentRow[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  return Array.from({ length: 120 }, (_, i) => {
    const finishedAt = new Date(
      start + i * 17 * HOUR + Math.floor(next() * HOUR),
    ).toISOString();
    const failed = next() < 0.15;
    const rollback = next() < 0.05;
    return {
      id: `${entityRef}-${i}`,
      source: 'ci',
      service: entityRef.split('/')[1],
      entityRef,
      environment: 'production',
      startedAt: finishedAt,
      finishedAt,
      commitSha: 'abc1234',
      rollback,
      unplanned: false,
      delivered: Array.from({ length: Math.floor(next() * 4) }, (__, j) => ({
        sha: `sha-${i}-${j}`,
        // Some changes without a lead time (not reported, or negative).
        ...(next() < 0.8
          ? { leadTimeSeconds: Math.round(next() * 500_000) / 10 }
          : {}),
      })),
      failed,
      failure: [],
      incidents: [],
      recoverySeconds:
        failed && next() < 0.8 ? Math.round(next() * 90_000) : null,
      rework: next() < 0.2,
      reworkReasons: [],
    };
  });
}

describe('DoraStore.deploymentSummary', () => {
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())(
    'equals the summary of the verdicts for any scope and window (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      const refs = ['a', 'b', 'c'].map(n => `component:default/${n}`);
      for (const [i, ref] of refs.entries()) {
        await store.replaceAnalyses(ref, 1, history(ref, i + 7));
      }
      const windows = [
        { from: new Date(start), to: new Date(start + 90 * 24 * HOUR) },
        {
          from: new Date(start + 5.5 * HOUR),
          to: new Date(start + 30 * 24 * HOUR),
        },
        {
          from: new Date(start - 10 * 24 * HOUR),
          to: new Date(start + 3 * HOUR),
        },
      ];
      const all = summariseDeployments(
        await store.deploymentVerdicts({
          ...windows[0],
          environment: 'production',
        }),
        windows[0].from,
        windows[0].to,
      );
      // Not a comparison of empty sums.
      expect(all.deployments).toBe(360);
      expect(all.leadTime.n).toBeGreaterThan(300);
      expect(all.recovery.n).toBeGreaterThan(10);
      expect(all.failedNonRollback).toBeGreaterThan(10);
      for (const window of windows) {
        // Also a scope longer than is bound value by value (one JSON list).
        const large = [
          ...refs,
          ...Array.from({ length: 600 }, (_, i) => `component:default/x${i}`),
        ];
        for (const entityRefs of [
          undefined,
          refs.slice(1),
          [refs[0]],
          [],
          large,
        ]) {
          const options = { ...window, entityRefs, environment: 'production' };
          const fromVerdicts = summariseDeployments(
            await store.deploymentVerdicts(options),
            window.from,
            window.to,
          );
          const inDatabase = await store.deploymentSummary(options);
          // SQLite (the local default's database) leaves it to Node.
          expect(inDatabase).toEqual(
            databaseId.startsWith('SQLITE') ? undefined : fromVerdicts,
          );
        }
      }
    },
  );
});

describe('DoraStore.deploymentSummaries', () => {
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())(
    'sums many scopes in one statement, each as deploymentSummary does (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      const refs = ['a', 'b', 'c', 'd'].map(n => `component:default/${n}`);
      for (const [i, ref] of refs.entries()) {
        await store.replaceAnalyses(ref, 1, history(ref, i + 3));
      }
      const window = {
        from: new Date(start + 2 * 24 * HOUR),
        to: new Date(start + 40 * 24 * HOUR),
        environment: 'production',
      };
      // Overlapping scopes (a department and its teams), an empty one and
      // one whose entities have no deployments.
      const scopes = [
        [refs[0], refs[1]],
        [refs[2]],
        [],
        ['component:default/silent'],
        refs,
      ];
      const fromVerdicts = [];
      for (const entityRefs of scopes) {
        fromVerdicts.push(
          summariseDeployments(
            await store.deploymentVerdicts({ ...window, entityRefs }),
            window.from,
            window.to,
          ),
        );
      }
      // Not a comparison of empty sums: the scopes overlap and differ.
      expect(fromVerdicts[0].leadTime.n).toBeGreaterThan(10);
      expect(fromVerdicts[4].deployments).toBeGreaterThan(
        fromVerdicts[0].deployments + fromVerdicts[1].deployments,
      );
      const summaries = await store.deploymentSummaries({ ...window, scopes });
      // SQLite (the local default's database) leaves it to Node.
      expect(summaries).toEqual(
        databaseId.startsWith('SQLITE') ? undefined : fromVerdicts,
      );
    },
  );
});

describe('DoraStore.deploymentSummary of an organisation (day totals)', () => {
  const databases = TestDatabases.create();
  const DAY = 24 * HOUR;

  /** Counts and days exact, percentiles within 1 % of the verdicts' own. */
  function expectCloseTo(actual: DeploymentSummary, exact: DeploymentSummary) {
    expect({ ...actual, leadTime: undefined, recovery: undefined }).toEqual({
      ...exact,
      leadTime: undefined,
      recovery: undefined,
    });
    for (const key of ['leadTime', 'recovery'] as const) {
      expect(actual[key].n).toBe(exact[key].n);
      for (const p of ['p50', 'p75', 'p90'] as const) {
        const want = exact[key][p]!;
        expect(Math.abs(actual[key][p]! - want)).toBeLessThanOrEqual(
          0.01 * want + 1e-9,
        );
      }
    }
  }

  // SQLite, the local default's database, keeps no day totals (see above).
  it.each(
    databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
  )(
    'sums most of the organisation from day totals, kept current as analyses change (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      const refs = Array.from(
        { length: 120 },
        (_, i) => `component:default/s${i}`,
      );
      const rowsOf = (ref: string, seed: number) =>
        history(ref, seed).filter((_, i) => i % 6 === seed % 6);
      for (const [i, ref] of refs.entries()) {
        await store.replaceAnalyses(ref, 1, rowsOf(ref, i + 3));
      }
      const environment = 'production';
      const exact = async (
        window: { from: Date; to: Date },
        entityRefs?: string[],
      ) =>
        summariseDeployments(
          await store.deploymentVerdicts({
            ...window,
            entityRefs,
            environment,
          }),
          window.from,
          window.to,
        );
      const windows = [
        { from: new Date(start), to: new Date(start + 90 * DAY) },
        { from: new Date(start + 10 * DAY), to: new Date(start + 41 * DAY) },
      ];
      const scopesOfMost = [
        undefined,
        // The organisation: every analysed entity and some without history.
        [...refs, 'component:default/new-1', 'component:default/new-2'],
        // Most of it: the rest is summed from deployments and taken away.
        refs.slice(15),
      ];
      // Less than half: summed from its deployments, exactly.
      const lessThanHalf = refs.slice(0, 50);
      const compareAll = async () => {
        for (const window of windows) {
          for (const entityRefs of scopesOfMost) {
            const options = { ...window, entityRefs, environment };
            expectCloseTo(
              (await store.deploymentSummary(options))!,
              await exact(window, entityRefs),
            );
          }
          expect(
            await store.deploymentSummary({
              ...window,
              entityRefs: lessThanHalf,
              environment,
            }),
          ).toEqual(await exact(window, lessThanHalf));
          // Its weeks from one read of the day totals, each close to its
          // own verdicts; a scope of less than half summed from its
          // deployments, each week exactly its own verdicts' summary.
          const weeks = [];
          for (let t = window.from.getTime(); t < window.to.getTime(); ) {
            const to = Math.min(t + 7 * DAY, window.to.getTime());
            weeks.push({ from: new Date(t), to: new Date(to) });
            t = to;
          }
          for (const entityRefs of scopesOfMost) {
            const summaries = await store.intervalSummaries({
              ...window,
              entityRefs,
              environment,
              intervals: weeks,
            });
            expect(summaries).toHaveLength(weeks.length);
            for (const [i, week] of weeks.entries()) {
              expectCloseTo(summaries![i], await exact(week, entityRefs));
            }
          }
          const smallWeeks = await store.intervalSummaries({
            ...window,
            entityRefs: lessThanHalf,
            environment,
            intervals: weeks,
          });
          expect(smallWeeks).toHaveLength(weeks.length);
          for (const [i, week] of weeks.entries()) {
            expect(smallWeeks![i]).toEqual(await exact(week, lessThanHalf));
          }
        }
      };
      const everything = await exact(windows[0]);
      // Not a comparison of empty sums.
      expect(everything.deployments).toBe(2400);
      expect(everything.leadTime.n).toBeGreaterThan(1000);
      expect(everything.recovery.n).toBeGreaterThan(100);
      await compareAll();

      // Analyses change: rows moved to another day, verdicts flipped, rows
      // and whole histories gone, while other replicas compact the days.
      const changed = refs.slice(0, 30).map((ref, i) => {
        const rows = rowsOf(ref, i + 3)
          .filter((_, j) => j % 4 !== 1)
          .map((row, j) =>
            j % 3 === 0
              ? {
                  ...row,
                  failed: !row.failed,
                  recoverySeconds: row.failed ? null : 4_000 + j,
                  finishedAt: new Date(
                    Date.parse(row.finishedAt) + 2 * DAY,
                  ).toISOString(),
                }
              : row,
          );
        return [ref, i % 10 === 0 ? [] : rows] as const;
      });
      await Promise.all([
        ...changed.map(([ref, rows]) => store.replaceAnalyses(ref, 2, rows)),
        store.compactDayTotals(),
        store.compactDayTotals(),
        store.compactDayTotals(),
      ]);
      expect((await exact(windows[0])).deployments).toBeLessThan(2400);
      await compareAll();
      // Compacted, a day is one row, and the sums are unchanged.
      await store.compactDayTotals();
      const rowsPerDay = await knex('dora_day_totals')
        .select('environment', 'day')
        .count({ rows: '*' })
        .groupBy('environment', 'day')
        .having(knex.raw('count(*) > 1'));
      expect(rowsPerDay).toEqual([]);
      await compareAll();
    },
  );
});

describe('DoraStore.compactDayTotals', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('reclaims the day totals it compacted away, without autovacuum (POSTGRES_15)', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await DatabaseDoraStore.create({
      database: mockServices.database({ knex }),
    });
    const dayTotals = async () =>
      (
        await knex.raw(
          `SELECT vacuum_count, n_dead_tup FROM pg_stat_user_tables
           WHERE relname = 'dora_day_totals'`,
        )
      ).rows[0] as { vacuum_count: string; n_dead_tup: string };
    // The test server's autovacuum is off, as on the machine the
    // benchmarks ran on: only the store itself vacuums here.
    expect(Number((await dayTotals()).vacuum_count)).toBe(0);

    // Every analysis changes every day of its entity's history, as the
    // analyses of a long ingest do, and each round is compacted: about
    // 3,100 day-total rows deleted a round, 25,000 in all.
    const refs = Array.from(
      { length: 40 },
      (_, i) => `component:default/s${i}`,
    );
    for (let round = 1; round <= 8; round++) {
      for (const [i, ref] of refs.entries()) {
        const rows = history(ref, i + 1).map(row => ({
          ...row,
          rework: round % 2 === 0 ? !row.rework : row.rework,
        }));
        await store.replaceAnalyses(ref, round, rows);
      }
      await store.compactDayTotals();
    }

    // Vacuumed in the background: the dead rows of all but the last round
    // or two are gone.
    const deadline = Date.now() + 30_000;
    let stats = await dayTotals();
    while (Number(stats.vacuum_count) === 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 200));
      stats = await dayTotals();
    }
    expect(Number(stats.vacuum_count)).toBeGreaterThan(0);
    expect(Number(stats.n_dead_tup)).toBeLessThan(10_000);
  });
});
