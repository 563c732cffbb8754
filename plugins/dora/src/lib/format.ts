import type { DoraBenchmark, FailureReason } from '@paved/plugin-dora-common';
import { formatNumber } from '@paved/portal-ui';

/**
 * How the dashboards write numbers, in one place so the tiles, trends,
 * tables, the card and the drill-down agree (and the end-to-end test can
 * compare the page with the API).
 */

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** Seconds in the largest unit that keeps them readable: "45 s", "12 min", "3.2 h", "2.1 d". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 59.5) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 59.5 * MINUTE) return `${Math.round(seconds / MINUTE)} min`;
  if (seconds < 23.95 * HOUR) return `${formatNumber(seconds / HOUR)} h`;
  return `${formatNumber(seconds / DAY)} d`;
}

/** A rate 0..1 as a percentage: "12%", "4.5%". */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${formatNumber(rate * 100)}%`;
}

/**
 * Deployments per day, per week or per month, whichever reads as a number
 * of at least one: "1.4 / day", "2.3 / week", "0.9 / month".
 */
export function formatFrequency(perDay: number | null | undefined): string {
  if (perDay === null || perDay === undefined) return '—';
  if (perDay <= 0) return '0 / day';
  if (perDay >= 0.995) return `${formatNumber(perDay)} / day`;
  if (perDay * 7 >= 0.995) return `${formatNumber(perDay * 7)} / week`;
  return `${formatNumber(perDay * 30)} / month`;
}

const bandNames = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
} as const;

/**
 * The chip text: "High · DORA 2024", or the 2025 survey bucket where there
 * is no cluster ("0–15% · DORA 2025"). Compact: "High", "2025: 0–15%".
 */
export function benchmarkLabel(
  benchmark: DoraBenchmark,
  style: 'full' | 'compact' = 'full',
): string {
  if (benchmark.band) {
    const band = bandNames[benchmark.band];
    return style === 'compact' ? band : `${band} · DORA 2024`;
  }
  if (benchmark.surveyBucket) {
    return style === 'compact'
      ? `2025: ${benchmark.surveyBucket}`
      : `${benchmark.surveyBucket} · DORA 2025`;
  }
  return style === 'compact' ? '—' : 'No benchmark';
}

/** The chip's tooltip: both references, with their sources. */
export function benchmarkDescription(benchmark: DoraBenchmark): string {
  const parts = [
    benchmark.band
      ? `${bandNames[benchmark.band]} performer in the ${benchmark.bandSource}.`
      : `No 2024 performance cluster applies (${benchmark.bandSource}).`,
  ];
  if (benchmark.surveyBucket) {
    parts.push(
      `2025 survey bucket: ${benchmark.surveyBucket} (${benchmark.surveySource}).`,
    );
  }
  return parts.join(' ');
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** Why a deployment counts as failed, in words. */
export function describeFailure(reason: FailureReason): string {
  switch (reason.rule) {
    case 'incident-names-deployment':
      return `An incident (${reason.incidentId}) named this deployment as its cause`;
    case 'incident-names-delivered-sha':
      return `An incident (${reason.incidentId}) named commit ${shortSha(
        reason.sha,
      )}, which this deployment delivered, as its cause`;
    case 'rolled-back':
      return `Rolled back by deployment ${reason.rollbackDeploymentId}`;
    case 'incident-after-deployment':
      return `An incident (${reason.incidentId}) with no named cause opened after this deployment, the latest one before it`;
    default:
      return 'Failed';
  }
}

/** Why a deployment counts as rework, in words. */
export function describeReworkReason(reason: string): string {
  if (reason === 'rollback') return 'It is a rollback';
  if (reason === 'unplanned') return 'Marked as unplanned';
  if (reason.startsWith('label:')) {
    return `Delivers a change labelled “${reason.slice('label:'.length)}”`;
  }
  if (reason.startsWith('resolves:')) {
    return `Resolves incident ${reason.slice('resolves:'.length)}`;
  }
  return reason;
}
