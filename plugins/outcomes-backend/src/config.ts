import type { RootConfigService } from '@backstage/backend-plugin-api';
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
