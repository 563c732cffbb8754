import type {
  ScopeFacts,
  StoredChange,
  StoredDeployment,
  StoredIncident,
} from './facts';
import {
  analyseDeployments,
  computeMetrics,
  frequencyBucket,
  percentile,
} from './computeMetrics';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = Date.parse('2026-10-01T00:00:00Z');
const at = (hours: number) => new Date(t0 + hours * HOUR);
const from = at(0);
const to = new Date(t0 + 30 * DAY);
const service = 'component:default/checkout-service';

function deployment(
  id: string,
  finishedHour: number,
  extra: Partial<StoredDeployment> = {},
): StoredDeployment {
  return {
    source: 'ci',
    id,
    service: 'checkout-service',
    entityRef: service,
    environment: 'production',
    status: 'success',
    startedAt: at(finishedHour - 0.5),
    finishedAt: at(finishedHour),
    commitSha: `sha-${id}`,
    commits: [],
    rollback: false,
    unplanned: false,
    ...extra,
  };
}

function change(
  sha: string,
  authoredHour: number,
  labels: string[] = [],
): StoredChange {
  return {
    source: 'ci',
    id: `change-${sha}`,
    service: 'checkout-service',
    entityRef: service,
    sha,
    authoredAt: at(authoredHour),
    prNumber: null,
    labels,
  };
}

function incident(
  id: string,
  openedHour: number,
  extra: Partial<StoredIncident> = {},
): StoredIncident {
  return {
    source: 'pager',
    id,
    service: 'checkout-service',
    entityRef: service,
    environment: 'production',
    openedAt: at(openedHour),
    resolvedAt: null,
    causedByDeploymentId: null,
    causedBySha: null,
    resolvedByDeploymentId: null,
    ...extra,
  };
}

const facts = (f: Partial<ScopeFacts>): ScopeFacts => ({
  deployments: [],
  changes: [],
  incidents: [],
  ...f,
});

const metrics = (f: Partial<ScopeFacts>) =>
  computeMetrics({
    facts: facts(f),
    entityRef: service,
    environment: 'production',
    from,
    to,
    unattributedEvents: 0,
  });

const analysisOf = (f: Partial<ScopeFacts>, id: string) =>
  analyseDeployments(facts(f), from, to).find(a => a.deployment.id === id)!;

describe('percentile', () => {
  it('interpolates linearly between closest ranks like percentile_cont', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 0.9)).toBe(46);
    expect(percentile([7], 0.75)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('deployment frequency', () => {
  it('counts successful deployments finished in the window only', () => {
    const m = metrics({
      deployments: [
        deployment('before', -1),
        deployment('d1', 10),
        deployment('failed', 11, { status: 'failure' }),
        deployment('d2', 20),
        deployment('after', 30 * 24 + 1),
      ],
    });
    expect(m.deploymentFrequency.deployments).toBe(2);
    expect(m.deploymentFrequency.perDay).toBeCloseTo(2 / 30);
  });

  it('buckets by the median deployments per day, week and month', () => {
    const every = (hours: number) =>
      Array.from({ length: Math.floor((30 * 24) / hours) }, (_, i) =>
        at(i * hours + 1),
      );
    expect(frequencyBucket(every(8), from, to)).toBe('on-demand');
    expect(frequencyBucket(every(24), from, to)).toBe('daily');
    expect(frequencyBucket(every(72), from, to)).toBe('weekly');
    expect(frequencyBucket([at(1), at(200)], from, to)).toBe('monthly');
    expect(frequencyBucket([at(1)], from, new Date(t0 + 90 * DAY))).toBe(
      'less-than-monthly',
    );
  });
});

describe('change lead time', () => {
  it('measures each change to the first successful deployment that delivers it', () => {
    const m = metrics({
      deployments: [
        deployment('d1', 10, { commits: ['a'] }),
        deployment('d2', 20, { commits: ['a', 'b'] }), // a was delivered by d1
      ],
      changes: [change('a', 4), change('b', 16)],
    });
    // a: 10 - 4 = 6 h; b: 20 - 16 = 4 h
    expect(m.changeLeadTime).toMatchObject({
      p50: 5 * 3600,
      p75: 5.5 * 3600,
      p90: 5.8 * 3600,
      n: 2,
    });
  });

  it('counts the deployed commitSha as delivered and drops non-positive lead times', () => {
    const m = metrics({
      deployments: [deployment('d1', 10, { commitSha: 'c', commits: ['x'] })],
      changes: [change('c', 8), change('x', 12)],
    });
    expect(m.changeLeadTime.n).toBe(1);
    expect(m.changeLeadTime.p50).toBe(2 * 3600);
  });
});

describe('failed deployments and change fail rate', () => {
  it('(a) an incident naming the deployment fails it', () => {
    const a = analysisOf(
      {
        deployments: [deployment('d1', 10)],
        incidents: [incident('i1', 12, { causedByDeploymentId: 'd1' })],
      },
      'd1',
    );
    expect(a.failure).toEqual([
      { rule: 'incident-names-deployment', incidentId: 'i1' },
    ]);
  });

  it('(b) an incident naming a sha fails the deployment that delivered it', () => {
    const f = {
      deployments: [
        deployment('d1', 10, { commits: ['bad'] }),
        deployment('d2', 20, { commits: ['bad', 'good'] }),
      ],
      incidents: [incident('i1', 25, { causedBySha: 'bad' })],
    };
    expect(analysisOf(f, 'd1').failure).toEqual([
      { rule: 'incident-names-delivered-sha', incidentId: 'i1', sha: 'bad' },
    ]);
    expect(analysisOf(f, 'd2').failure).toEqual([]);
  });

  it('(c) a deployment followed by a rollback failed', () => {
    const f = {
      deployments: [
        deployment('d1', 10),
        deployment('rb', 11, { rollback: true }),
      ],
    };
    expect(analysisOf(f, 'd1').failure).toEqual([
      { rule: 'rolled-back', rollbackDeploymentId: 'rb' },
    ]);
  });

  it('(d) an incident with no cause blames the latest deployment within the window', () => {
    const f = {
      deployments: [
        deployment('d1', 10),
        deployment('d2', 20),
        deployment('d3', 30),
      ],
      incidents: [incident('i1', 25)],
    };
    expect(analysisOf(f, 'd2').failure).toEqual([
      { rule: 'incident-after-deployment', incidentId: 'i1' },
    ]);
    expect(analysisOf(f, 'd1').failure).toEqual([]);
    expect(analysisOf(f, 'd3').failure).toEqual([]);
  });

  it('(d) does not blame deployments older than the attribution window', () => {
    const f = {
      deployments: [deployment('d1', 10)],
      incidents: [incident('i1', 10 + 8 * 24)],
    };
    expect(analysisOf(f, 'd1').failure).toEqual([]);
  });

  it('excludes rollbacks from both sides of the change fail rate', () => {
    const m = metrics({
      deployments: [
        deployment('d1', 10),
        deployment('rb', 11, { rollback: true }),
        deployment('d2', 20),
        deployment('d3', 30),
      ],
    });
    expect(m.changeFailRate).toMatchObject({
      rate: 1 / 3,
      failed: 1,
      deployments: 3,
    });
  });
});

describe('failed deployment recovery time', () => {
  it('ends at the rollback for a rolled-back deployment', () => {
    const a = analysisOf(
      {
        deployments: [
          deployment('d1', 10),
          deployment('rb', 12, { rollback: true }),
        ],
      },
      'd1',
    );
    expect(a.recoverySeconds).toBe(2 * 3600);
  });

  it('ends at the earlier of resolvedAt and the resolving deployment, latest over incidents', () => {
    const f = {
      deployments: [deployment('d1', 10), deployment('fix', 14)],
      incidents: [
        incident('i1', 11, {
          causedByDeploymentId: 'd1',
          resolvedAt: at(16),
          resolvedByDeploymentId: 'fix',
        }),
        incident('i2', 11, { causedByDeploymentId: 'd1', resolvedAt: at(15) }),
      ],
    };
    // i1 ends at 14 (fix deployed before resolvedAt 16); i2 at 15; latest = 15.
    expect(analysisOf(f, 'd1').recoverySeconds).toBe(5 * 3600);
  });

  it('is undefined while an attributed incident is still open', () => {
    const m = metrics({
      deployments: [deployment('d1', 10)],
      incidents: [incident('i1', 11, { causedByDeploymentId: 'd1' })],
    });
    expect(m.changeFailRate.failed).toBe(1);
    expect(m.failedDeploymentRecoveryTime).toMatchObject({
      p50: null,
      p75: null,
      p90: null,
      n: 0,
    });
  });
});

describe('deployment rework rate', () => {
  it('counts rollbacks, unplanned deployments, hotfix changes and incident fixes', () => {
    const m = metrics({
      deployments: [
        deployment('plain', 10),
        deployment('rb', 11, { rollback: true }),
        deployment('unplanned', 20, { unplanned: true }),
        deployment('hotfix', 30, { commits: ['h'] }),
        deployment('fix', 40),
      ],
      changes: [change('h', 29, ['hotfix'])],
      incidents: [
        incident('i1', 35, {
          resolvedByDeploymentId: 'fix',
          causedBySha: 'zzz',
        }),
      ],
    });
    expect(m.deploymentReworkRate).toMatchObject({
      rate: 4 / 5,
      rework: 4,
      deployments: 5,
    });
  });
});

describe('scopes', () => {
  it('computes over the union of services, not an average of per-service numbers', () => {
    const other = 'component:default/orders-service';
    const m = metrics({
      deployments: [
        deployment('a1', 10),
        deployment('a2', 11, { rollback: true }),
        deployment('b1', 10, { entityRef: other, service: 'orders-service' }),
        deployment('b2', 20, { entityRef: other, service: 'orders-service' }),
        deployment('b3', 30, { entityRef: other, service: 'orders-service' }),
      ],
    });
    // Failed: a1 (rolled back). Non-rollback deployments: a1, b1, b2, b3.
    expect(m.changeFailRate).toMatchObject({
      rate: 1 / 4,
      failed: 1,
      deployments: 4,
    });
    expect(m.deploymentFrequency.deployments).toBe(5);
  });
});

describe('frequencyBucket over any window', () => {
  it('needs memory for the deployments only, not for the periods of the window', () => {
    const start = new Date(0);
    // 2^32 days: more periods than any array can hold.
    const end = new Date(2 ** 32 * DAY);
    expect(frequencyBucket([at(1), at(30)], start, end)).toBe(
      'less-than-monthly',
    );
    // The median of the implied empty periods and the counted ones.
    expect(frequencyBucket([at(1), at(2), at(25), at(26)], from, at(72))).toBe(
      'on-demand',
    );
    expect(frequencyBucket([at(1), at(25)], from, at(72))).toBe('daily');
  });
});
