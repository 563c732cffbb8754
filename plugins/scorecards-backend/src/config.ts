import {
  type RootConfigService,
  type SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { defaultLevels, type ScorecardLevel } from './checks/levels';

/** The scorecards' configuration, with the documented defaults. */
export function readScorecardsConfig(config: RootConfigService): {
  levels: ScorecardLevel[];
  minorVersionsBehind: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
} {
  const levels = config.getOptionalConfigArray('scorecards.levels');
  return {
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
