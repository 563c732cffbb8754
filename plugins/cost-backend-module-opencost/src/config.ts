import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type RootConfigService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/** The aggregation the cost backend needs: one row per controller. */
export const DEFAULT_AGGREGATE = 'cluster,namespace,controllerKind,controller';

export interface OpenCostClusterConfig {
  /** The cluster's name; the source id is `opencost:<name>`. */
  name: string;
  /** Where this cluster's OpenCost API answers, e.g. http://opencost.opencost:9003. */
  baseUrl: string;
  /** Sent as a bearer token; never logged. */
  token?: string;
  aggregate: string;
  /** How long one allocation request may take before it is abandoned. */
  requestTimeoutMs?: number;
}

export interface OpenCostSettings {
  clusters: OpenCostClusterConfig[];
  schedule: SchedulerServiceTaskScheduleDefinition;
  backfillDays: number;
  finalAfterHours: number;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { seconds: 30 },
};

export function readOpenCostSettings(
  config: RootConfigService,
): OpenCostSettings {
  const root = config.getOptionalConfig('cost.opencost');
  const requestTimeoutSeconds =
    root?.getOptionalNumber('requestTimeoutSeconds') ?? 120;
  if (!(requestTimeoutSeconds > 0 && requestTimeoutSeconds <= 3600)) {
    throw new InputError(
      'cost.opencost.requestTimeoutSeconds must be more than 0 and at most 3600',
    );
  }
  const clusters = (root?.getOptionalConfigArray('clusters') ?? []).map(c => ({
    name: c.getString('name'),
    baseUrl: c.getString('baseUrl').replace(/\/+$/, ''),
    token: c.getOptionalString('token'),
    aggregate: c.getOptionalString('aggregate') ?? DEFAULT_AGGREGATE,
    requestTimeoutMs: requestTimeoutSeconds * 1000,
  }));
  const names = new Set<string>();
  for (const c of clusters) {
    if (names.has(c.name)) {
      throw new InputError(
        `cost.opencost.clusters: cluster ${c.name} is listed twice`,
      );
    }
    names.add(c.name);
  }
  const schedule = root?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        root.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;
  const backfillDays = root?.getOptionalNumber('backfillDays') ?? 90;
  const finalAfterHours = root?.getOptionalNumber('finalAfterHours') ?? 48;
  if (!Number.isInteger(backfillDays) || backfillDays < 1) {
    throw new InputError(
      'cost.opencost.backfillDays must be a whole number of days, at least 1',
    );
  }
  if (!(finalAfterHours >= 0)) {
    throw new InputError('cost.opencost.finalAfterHours must be 0 or more');
  }
  return { clusters, schedule, backfillDays, finalAfterHours };
}
