import type { DoraBenchmark, FailureReason } from '@paved/plugin-dora-common';

/**
 * How the dashboards write numbers, in one place so the tiles, trends,
 * tables, the card and the drill-down agree (and the end-to-end test can
 * compare the page with the API).
 */

// Durations, rates and frequency are written as every Paved view writes them.
export { formatDuration, formatFrequency, formatRate } from '@paved/portal-ui';

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
