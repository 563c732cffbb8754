import {
  type RootConfigService,
  type SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { defaultLevels, type ScorecardLevel } from './checks/levels';
import {
  type ConfiguredCheck,
  readConfiguredChecks,
} from './checks/configuredChecks';

/** How exceptions to checks are granted. */
export type ExceptionsConfig = {
  /** The longest an exception may last, in days. */
  maxDays: number;
  /** Days before an exception expires that its owners are reminded. */
  remindDaysBefore: number;
  /** Users or groups told of each new request (entity refs). */
  reviewers: string[];
};

/** An exception may never be granted for longer than this, whatever the config. */
const MAX_EXCEPTION_DAYS = 366;

function readExceptionsConfig(config: RootConfigService): ExceptionsConfig {
  const maxDays =
    config.getOptionalNumber('scorecards.exceptions.maxDays') ?? 180;
  if (
    !Number.isInteger(maxDays) ||
    maxDays < 1 ||
    maxDays > MAX_EXCEPTION_DAYS
  ) {
    throw new Error(
      `scorecards.exceptions.maxDays must be a whole number of days from 1 to ${MAX_EXCEPTION_DAYS}, not ${maxDays}`,
    );
  }
  const remindDaysBefore =
    config.getOptionalNumber('scorecards.exceptions.remindDaysBefore') ?? 14;
  if (!Number.isInteger(remindDaysBefore) || remindDaysBefore < 0) {
    throw new Error(
      `scorecards.exceptions.remindDaysBefore must be a whole number of days, not ${remindDaysBefore}`,
    );
  }
  // A list, or one string of refs separated by commas or white space (as
  // an environment variable gives them).
  const key = 'scorecards.exceptions.reviewers';
  let listed: string[] = [];
  if (config.has(key)) {
    listed = Array.isArray(config.get(key))
      ? config.getStringArray(key)
      : [config.getString(key)];
  }
  const reviewers = listed.flatMap(v => v.split(/[\s,]+/)).filter(Boolean);
  for (const ref of reviewers) {
    if (!/^(user|group):[^:/]+\/[^:/]+$/i.test(ref)) {
      throw new Error(
        `scorecards.exceptions.reviewers: '${ref}' is not a full user or group ref, e.g. group:default/platform`,
      );
    }
  }
  return { maxDays, remindDaysBefore, reviewers };
}

/** The scorecards' configuration, with the documented defaults. */
export function readScorecardsConfig(config: RootConfigService): {
  levels: ScorecardLevel[];
  minorVersionsBehind: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
  exceptions: ExceptionsConfig;
  /** Past days the local demo fills; 0: none. */
  demoHistoryDays: number;
  /** Checks stated in configuration, besides Paved's own and modules'. */
  checks: ConfiguredCheck[];
} {
  const levels = config.getOptionalConfigArray('scorecards.levels');
  const demoHistoryDays =
    config.getOptionalNumber('scorecards.demoHistoryDays') ?? 0;
  if (
    !Number.isInteger(demoHistoryDays) ||
    demoHistoryDays < 0 ||
    demoHistoryDays > 366
  ) {
    throw new Error(
      `scorecards.demoHistoryDays must be a whole number of days from 0 to 366, not ${demoHistoryDays}`,
    );
  }
  if (
    demoHistoryDays > 0 &&
    config.getOptionalString('auth.environment') === 'production'
  ) {
    throw new Error(
      'scorecards.demoHistoryDays makes up history for the local demo; remove it from production configuration',
    );
  }
  return {
    demoHistoryDays,
    checks: readConfiguredChecks(config),
    exceptions: readExceptionsConfig(config),
    levels: levels
      ? levels.map(level => ({
          id: level.getString('id'),
          title: level.getString('title'),
          checks: level.getStringArray('checks'),
        }))
      : defaultLevels,
    minorVersionsBehind:
      config.getOptionalNumber('scorecards.goldenPath.minorVersionsBehind') ??
      1,
    schedule: config.has('scorecards.schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          config.getConfig('scorecards.schedule'),
        )
      : {
          frequency: { minutes: 10 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          scope: 'global',
        },
  };
}
