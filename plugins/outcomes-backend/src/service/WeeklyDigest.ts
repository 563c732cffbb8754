import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { addDays, formatDay } from '@paved/plugin-cost-common';
import type { Measure, TeamOutcome } from '@paved/plugin-outcomes-common';
import {
  formatChange,
  formatDuration,
  formatMoney,
  formatPerDay,
  formatRate,
} from './format';
import type { OutcomesService } from './OutcomesService';

/** The topic users switch the digest off by, in Settings → Notifications. */
export const DIGEST_TOPIC = 'Weekly outcomes digest';

const DAY_MS = 86_400_000;

/**
 * The week a digest sent at `now` is about: the seven full UTC days before
 * today, and the two weeks before it.
 */
export function digestWeeks(now: Date) {
  const to = formatDay(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const from = addDays(to, -7);
  return [
    { from, to },
    { from: addDays(from, -7), to: from },
    { from: addDays(from, -14), to: addDays(from, -7) },
  ] as [
    { from: string; to: string },
    { from: string; to: string },
    { from: string; to: string },
  ];
}

function withChange(text: string, measure: Measure, rate = false): string {
  if (measure.value === null || measure.previous === null) return text;
  if (rate) {
    const points = Math.round((measure.value - measure.previous) * 100);
    return `${text} (${points >= 0 ? '+' : '−'}${Math.abs(points)} pts)`;
  }
  return measure.change === null
    ? text
    : `${text} (${formatChange(measure.change)})`;
}

/** The week of one team in two sentences. */
export function digestText(team: TeamOutcome, currency: string | null): string {
  const { speed, stability, cost } = team;
  const parts: string[] = [];
  if (speed.deploymentFrequency.value === 0) {
    parts.push('no deployments');
  } else if (speed.deploymentFrequency.value !== null) {
    parts.push(
      withChange(
        `deployments ${formatPerDay(speed.deploymentFrequency.value)}`,
        speed.deploymentFrequency,
      ),
    );
  }
  if (speed.changeLeadTime.value !== null) {
    parts.push(
      withChange(
        `lead time ${formatDuration(speed.changeLeadTime.value)}`,
        speed.changeLeadTime,
      ),
    );
  }
  if (speed.failedDeploymentRecoveryTime.value !== null) {
    parts.push(
      withChange(
        `recovery ${formatDuration(speed.failedDeploymentRecoveryTime.value)}`,
        speed.failedDeploymentRecoveryTime,
      ),
    );
  }
  if (cost.total.value) {
    parts.push(
      withChange(`cost ${formatMoney(cost.total.value, currency)}`, cost.total),
    );
  }
  if (stability.changeFailRate.value !== null) {
    parts.push(
      withChange(
        `change fail rate ${formatRate(stability.changeFailRate.value)}`,
        stability.changeFailRate,
        true,
      ),
    );
  }
  if (stability.deploymentReworkRate.value !== null) {
    parts.push(
      withChange(
        `rework ${formatRate(stability.deploymentReworkRate.value)}`,
        stability.deploymentReworkRate,
        true,
      ),
    );
  }
  const sentence = parts.join(', ');
  const numbers =
    parts.length > 0
      ? `${sentence[0].toUpperCase()}${sentence.slice(1)}.`
      : 'No deployments or cost reported this week.';
  const signals =
    team.signals.length > 0
      ? ` Signals: ${team.signals.map(s => s.title).join('; ')}.`
      : ' No signals: nothing moved beyond the thresholds.';
  return `${numbers}${signals}`;
}

/**
 * Each team's week, sent to its members through Backstage notifications:
 * the week's outcomes against the week before and the signals that fired.
 * One notification per team and week (its scope names both), so a second
 * run in the same week, on any replica, updates it instead of sending
 * another.
 */
export class WeeklyDigest {
  readonly #outcomes: OutcomesService;
  readonly #notifications: NotificationService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;

  static create(options: {
    outcomes: OutcomesService;
    notifications: NotificationService;
    auth: AuthService;
    logger: LoggerService;
  }) {
    return new WeeklyDigest(options);
  }

  private constructor(options: {
    outcomes: OutcomesService;
    notifications: NotificationService;
    auth: AuthService;
    logger: LoggerService;
  }) {
    this.#outcomes = options.outcomes;
    this.#notifications = options.notifications;
    this.#auth = options.auth;
    this.#logger = options.logger;
  }

  /** Sends every team its digest of the week before `now`; answers how many. */
  async send(now: Date = new Date()): Promise<number> {
    const windows = digestWeeks(now);
    const table = await this.#outcomes.teams(
      { environment: 'production', windows },
      await this.#auth.getOwnServiceCredentials(),
    );
    let sent = 0;
    for (const team of table.teams) {
      const { namespace, name } = parseEntityRef(team.entityRef);
      const title = team.title ?? name;
      const warnings = team.signals.filter(s => s.tone === 'warning').length;
      await this.#notifications.send({
        recipients: { type: 'entity', entityRef: team.entityRef },
        payload: {
          title: `${title}: your week in delivery (${formatDayLong(
            windows[0].from,
          )} – ${formatDayLong(addDays(windows[0].to, -1))})`,
          description: digestText(team, table.currency),
          link: `/catalog/${namespace}/group/${name}/outcomes`,
          topic: DIGEST_TOPIC,
          scope: `outcomes-digest:${team.entityRef}:${windows[0].from}`,
          severity: warnings > 0 ? 'normal' : 'low',
        },
      });
      sent++;
    }
    this.#logger.info(
      `Sent the weekly outcomes digest of ${windows[0].from} to ${sent} team(s)`,
    );
    return sent;
  }
}

function formatDayLong(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}
