import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type { DoraDeploymentRow } from '@paved/plugin-dora-common';
import { summariseDeployments } from '../metrics/computeMetrics';
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
