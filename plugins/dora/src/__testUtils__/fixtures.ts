import {
  changeFailRateBenchmark,
  changeLeadTimeBenchmark,
  deploymentFrequencyBenchmark,
  recoveryTimeBenchmark,
  reworkRateBenchmark,
  type DeploymentFrequencyBucket,
  type DoraDeploymentRow,
  type DoraMetrics,
} from '@paved/plugin-dora-common';

const HOUR = 3600;

/** Metrics as the backend returns them, with the real benchmark tables. */
export function metricsFixture(options: {
  entityRef?: string | null;
  days?: number;
  deployments: number;
  bucket?: DeploymentFrequencyBucket | null;
  leadTimeP50?: number | null;
  changes?: number;
  failed?: number;
  recoveryP50?: number | null;
  recoveries?: number;
  rework?: number;
  unattributedEvents?: number;
}): DoraMetrics {
  const days = options.days ?? 30;
  const deployments = options.deployments;
  const perDay = deployments / days;
  const defaultBucket = deployments > 0 ? 'daily' : null;
  const bucket = options.bucket === undefined ? defaultBucket : options.bucket;
  const failRate = deployments > 0 ? (options.failed ?? 0) / deployments : null;
  const reworkRate =
    deployments > 0 ? (options.rework ?? 0) / deployments : null;
  const lead = options.leadTimeP50 ?? null;
  const recovery = options.recoveryP50 ?? null;
  return {
    entityRef: options.entityRef ?? null,
    environment: 'production',
    from: '2026-10-27T12:00:00.000Z',
    to: '2026-11-26T12:00:00.000Z',
    deploymentFrequency: {
      deployments,
      perDay,
      bucket,
      benchmark: deploymentFrequencyBenchmark(bucket, perDay),
    },
    changeLeadTime: {
      p50: lead,
      p75: lead === null ? null : lead * 1.5,
      p90: lead === null ? null : lead * 2,
      n: lead === null ? 0 : options.changes ?? deployments * 2,
      benchmark: changeLeadTimeBenchmark(lead),
    },
    changeFailRate: {
      rate: failRate,
      failed: options.failed ?? 0,
      deployments,
      benchmark: changeFailRateBenchmark(failRate),
    },
    failedDeploymentRecoveryTime: {
      p50: recovery,
      p75: recovery,
      p90: recovery,
      n: recovery === null ? 0 : options.recoveries ?? options.failed ?? 1,
      benchmark: recoveryTimeBenchmark(recovery),
    },
    deploymentReworkRate: {
      rate: reworkRate,
      rework: options.rework ?? 0,
      deployments,
      benchmark: reworkRateBenchmark(reworkRate),
    },
    unattributedEvents: options.unattributedEvents ?? 0,
  };
}

/** This window: 50 deployments (1.7 / day), 3.2 h lead time, 12% failed, 45 min recovery, 8% rework. */
export const currentMetrics = metricsFixture({
  entityRef: 'component:default/checkout-service',
  deployments: 50,
  bucket: 'daily',
  leadTimeP50: 3.2 * HOUR,
  changes: 120,
  failed: 6,
  recoveryP50: 45 * 60,
  recoveries: 6,
  rework: 4,
});

/** The window before: fewer, slower deployments, a lower fail rate. */
export const previousMetrics = metricsFixture({
  entityRef: 'component:default/checkout-service',
  deployments: 30,
  bucket: 'daily',
  leadTimeP50: 4 * HOUR,
  failed: 3,
  recoveryP50: 45 * 60,
  rework: 0,
});

export const emptyMetrics = metricsFixture({ deployments: 0 });

export function deploymentFixture(
  overrides: Partial<DoraDeploymentRow> & { id: string },
): DoraDeploymentRow {
  return {
    source: 'ci',
    service: 'checkout-service',
    entityRef: 'component:default/checkout-service',
    environment: 'production',
    startedAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:06:00.000Z',
    commitSha: 'a1b2c3d4e5f6a7b8c9d0',
    rollback: false,
    unplanned: false,
    delivered: [],
    failed: false,
    failure: [],
    incidents: [],
    recoverySeconds: null,
    rework: false,
    reworkReasons: [],
    ...overrides,
  };
}

export const checkoutService = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-service',
    title: 'Checkout Service',
    annotations: { 'github.com/project-slug': 'fernhill/checkout-service' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/checkout',
    lifecycle: 'production',
  },
};

export const basilUi = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'basil-ui', title: 'Basil UI' },
  spec: {
    type: 'library',
    owner: 'group:default/storefront',
    lifecycle: 'production',
  },
};
