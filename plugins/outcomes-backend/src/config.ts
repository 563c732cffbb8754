import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type RootConfigService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { SignalThresholds } from './service/facts';
import { defaultSignalThresholds } from './service/facts';

/** `outcomes.signals`: the rules' thresholds, each checked to be a number in range. */
export function readSignalThresholds(
  config: RootConfigService,
): SignalThresholds {
  const signals = config.getOptionalConfig('outcomes.signals');
  const thresholds = { ...defaultSignalThresholds };
  if (!signals) return thresholds;
  for (const key of Object.keys(thresholds) as Array<keyof SignalThresholds>) {
    const value = signals.getOptionalNumber(key);
    if (value === undefined) continue;
    const integer = key === 'minimumDeployments' || key === 'maxSilentServices';
    if (!(value >= 0) || (integer && !Number.isInteger(value))) {
      throw new Error(
        `outcomes.signals.${key} must be ${
          integer ? 'a whole number' : 'a number'
        } of at least 0, got ${value}`,
      );
    }
    thresholds[key] = value;
  }
  return thresholds;
}

/** Mondays at 07:00 UTC, for the week before. */
export const DEFAULT_DIGEST_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { cron: '0 7 * * 1' },
  timeout: { minutes: 15 },
};

/** `outcomes.digest`: whether teams get the weekly digest, and when. */
export function readDigestConfig(config: RootConfigService): {
  enabled: boolean;
  schedule: SchedulerServiceTaskScheduleDefinition;
} {
  const digest = config.getOptionalConfig('outcomes.digest');
  return {
    enabled: digest?.getOptionalBoolean('enabled') ?? true,
    schedule: digest?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          digest.getConfig('schedule'),
        )
      : DEFAULT_DIGEST_SCHEDULE,
  };
}
