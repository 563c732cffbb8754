import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { DoraDeploymentRow, DoraEvent } from '@paved/plugin-dora-common';
import {
  analyseAllEnvironments,
  defaultMetricRules,
} from '../metrics/computeMetrics';
import { metricsOn } from '../__testUtils__/metricsOn';

jest.setTimeout(180_000);

const entityRef = 'component:default/checkout';
const catalog: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  },
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = Date.parse('2026-03-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const ENVIRONMENTS = ['production', 'staging'];

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(items: T[]): T => items[Math.floor(next() * items.length)],
  };
}

/**
 * Two months of one service's delivery in two environments, in the order
 * it happened, with every case the metric rules distinguish: redeployed
 * and rolled-back shas, failed deployments, rollbacks, changes authored
 * after their deployment (a wrong clock), labels, incidents naming a
 * deployment, a sha or nothing, sent again when resolved (at a time, by a
 * later deployment, a failed one too, or both); and, as senders do, some
 * facts sent again later with other content: an incident's cause
 * corrected, a deployment re-reported (for another environment too), a
 * change relabelled.
 */
function history(seed: number): DoraEvent[] {
  const rnd = random(seed);
  const timed: Array<{ at: number; event: DoraEvent }> = [];
  const deployments: Array<{ id: string; at: number; sha: string }> = [];
  const shas: string[] = [];
  let sha = 0;
  for (let i = 0; i < 60; i++) {
    const at = t0 + i * DAY + rnd.int(20) * HOUR;
    const environment = rnd.chance(0.7) ? 'production' : 'staging';
    const commits: string[] = [];
    for (let c = rnd.int(4); c > 0; c--) {
      const delivered = `sha-${++sha}`;
      commits.push(delivered);
      shas.push(delivered);
      timed.push({
        at,
        event: {
          type: 'change',
          id: `change-${delivered}`,
          service: 'checkout',
          sha: delivered,
          // A few authored after the deployment finished: a wrong clock.
          authoredAt: iso(at + (rnd.chance(0.1) ? HOUR : -rnd.int(72) * HOUR)),
          labels: rnd.chance(0.15) ? [rnd.pick(['hotfix', 'feature'])] : [],
        } as DoraEvent,
      });
    }
    // Some deploy an older sha again (a redeploy, a rollback).
    const head =
      commits.length > 0 && !rnd.chance(0.15)
        ? commits[commits.length - 1]
        : rnd.pick(shas.length > 0 ? shas : ['sha-0']);
    const id = `deploy-${i}`;
    timed.push({
      at,
      event: {
        type: 'deployment',
        id,
        service: 'checkout',
        environment,
        status: rnd.chance(0.1) ? 'failure' : 'success',
        startedAt: iso(at - HOUR),
        finishedAt: iso(at),
        commitSha: head,
        commits: [...commits, ...(rnd.chance(0.1) ? [rnd.pick(shas)] : [])],
        rollback: rnd.chance(0.08),
        unplanned: rnd.chance(0.05),
      } as DoraEvent,
    });
    deployments.push({ id, at, sha: head });
  }
  for (let i = 0; i < 16; i++) {
    const cause = rnd.pick(deployments);
    const opened = cause.at + rnd.int(5 * 24) * HOUR;
    const kind = rnd.int(3);
    const incident = {
      type: 'incident',
      id: `incident-${i}`,
      service: 'checkout',
      environment: rnd.chance(0.8) ? 'production' : 'staging',
      openedAt: iso(opened),
      ...(kind === 0 ? { causedByDeploymentId: cause.id } : {}),
      ...(kind === 1 ? { causedBySha: cause.sha } : {}),
    } as DoraEvent;
    timed.push({ at: opened, event: incident });
    // Resolved by a fix deployed later (now and then any deployment), at
    // a time, or both: sent again then.
    const later = deployments.filter(d => d.at > opened);
    if (rnd.chance(0.3)) continue;
    const resolver = rnd.pick(
      later.length > 0 && rnd.chance(0.8) ? later : deployments,
    );
    const resolvedAt = opened + rnd.int(48) * HOUR;
    const how = rnd.int(3);
    timed.push({
      at: Math.max(resolvedAt, resolver.at),
      event: {
        ...incident,
        ...(how !== 1 ? { resolvedAt: iso(resolvedAt) } : {}),
        ...(how !== 0 ? { resolvedByDeploymentId: resolver.id } : {}),
      } as DoraEvent,
    });
  }
  // Facts sent again later with other content.
  for (let i = 0; i < 8; i++) {
    const { at, event } = rnd.pick(timed);
    const resentAt = at + rnd.int(10) * DAY;
    if (event.type === 'incident') {
      timed.push({
        at: resentAt,
        event: {
          ...event,
          causedByDeploymentId: rnd.pick(deployments).id,
        } as DoraEvent,
      });
    } else if (event.type === 'deployment') {
      timed.push({
        at: resentAt,
        event: {
          ...event,
          status: event.status === 'success' ? 'failure' : 'success',
          finishedAt: iso(Date.parse(event.finishedAt) + rnd.int(6) * HOUR),
          // Now and then reported for the other environment.
          ...(rnd.chance(0.3)
            ? { environment: ENVIRONMENTS.find(e => e !== event.environment) }
            : {}),
        } as DoraEvent,
      });
    } else {
      timed.push({
        at: resentAt,
        event: { ...event, labels: ['hotfix'] } as DoraEvent,
      });
    }
  }
  // In the order it happened; a stable sort keeps a deployment's changes
  // before it.
  return timed.sort((a, b) => a.at - b.at).map(({ event }) => event);
}

/**
 * The events in batches as a CI sender makes them, in order, but with
 * some held back and sent days late, and a few sent twice.
 */
function batches(events: DoraEvent[], seed: number): DoraEvent[][] {
  const rnd = random(seed);
  const late: DoraEvent[] = [];
  const sent: DoraEvent[][] = [];
  let batch: DoraEvent[] = [];
  for (const event of events) {
    if (rnd.chance(0.1)) late.push(event);
    else batch.push(event);
    if (rnd.chance(0.25)) {
      if (late.length > 0 && rnd.chance(0.3)) batch.push(...late.splice(0));
      if (rnd.chance(0.1) && batch.length > 0) batch.push(batch[0]);
      sent.push(batch);
      batch = [];
    }
  }
  sent.push([...batch, ...late]);
  return sent.filter(b => b.length > 0);
}

const byId = (a: { id: string }, b: { id: string }) =>
  a.id < b.id ? -1 : Number(a.id > b.id);

/** Analysed deployments by id. */
const byIdMap = (rows: DoraDeploymentRow[]) =>
  new Map(rows.map(row => [row.id, row]));

describe('DoraMetricsService analyses only what changed facts reach', () => {
  const databases = TestDatabases.create();

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    /** The service over a fresh store, and how to send it a batch. */
    async function service() {
      const { store, metrics } = await metricsOn(
        await databases.init(databaseId),
        catalog,
      );
      let fromHorizon = 0;
      /**
       * Stores a batch, reads the component (which analyses it first) and
       * checks that what is stored is the analysis of its whole history.
       */
      async function send(batch: DoraEvent[]) {
        await store.ingest(
          'ci',
          batch.map(event => ({ event, entityRef })),
        );
        const changedFrom = (await store.changedFrom([entityRef])).get(
          entityRef,
        );
        if (changedFrom !== null) fromHorizon++;

        const read = await metrics.metrics(
          {
            entityRef,
            from: '2026-01-01T00:00:00Z',
            to: '2026-12-31T00:00:00Z',
          },
          mockCredentials.user(),
        );
        expect(read.analysisPending).toBe(0);

        const whole = analyseAllEnvironments(
          await store.factsFor({ entityRefs: [entityRef] }),
          defaultMetricRules,
        );
        for (const environment of ENVIRONMENTS) {
          const stored = await store.analysedDeployments({
            entityRefs: [entityRef],
            environment,
            from: new Date('2020-01-01T00:00:00Z'),
            to: new Date('2030-01-01T00:00:00Z'),
          });
          const expected = whole.filter(row => row.environment === environment);
          expect(stored.sort(byId)).toEqual(
            JSON.parse(JSON.stringify(expected.sort(byId))),
          );
        }
        return byIdMap(
          await store.analysedDeployments({
            entityRefs: [entityRef],
            environment: 'production',
            from: new Date('2020-01-01T00:00:00Z'),
            to: new Date('2030-01-01T00:00:00Z'),
          }),
        );
      }
      return { send, fromHorizon: () => fromHorizon };
    }

    it.each([1, 2, 3, 4, 5, 6])(
      'stores, after every batch, exactly the analysis of the whole history (seed %d)',
      async seed => {
        const { send, fromHorizon } = await service();
        const sent = batches(history(seed), seed);
        for (const batch of sent) await send(batch);
        // Most batches were analysed from a horizon, not from the start.
        expect(fromHorizon()).toBeGreaterThan(sent.length / 2);
      },
    );

    it('gives a deployment weeks old its recovery when the fix its incident names is reported late', async () => {
      const { send, fromHorizon } = await service();
      const day = (n: number) => iso(t0 + n * DAY);
      const deploy = (id: string, n: number): DoraEvent => ({
        type: 'deployment',
        id,
        service: 'checkout',
        environment: 'production',
        status: 'success',
        startedAt: day(n - 0.1),
        finishedAt: day(n),
        commitSha: `sha-${id}`,
      });
      await send([deploy('broken', 1)]);
      await send([
        {
          type: 'incident',
          id: 'outage',
          service: 'checkout',
          environment: 'production',
          openedAt: day(1.5),
          causedByDeploymentId: 'broken',
          resolvedByDeploymentId: 'fix',
        },
      ]);
      for (let n = 2; n <= 20; n++) await send([deploy(`later-${n}`, n)]);
      const before = (await send([])).get('broken');
      expect(before?.recoverySeconds).toBeNull();

      const after = (await send([deploy('fix', 21)])).get('broken');
      expect(after?.recoverySeconds).toBe(20 * 86_400);
      expect(fromHorizon()).toBeGreaterThan(20);
    });
  });
});
