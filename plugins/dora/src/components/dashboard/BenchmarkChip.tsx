import type { DoraBenchmark } from '@paved/plugin-dora-common';
import { benchmarkDescription, benchmarkLabel } from '../../lib/format';
import { type ChipTone, chipStyles } from '@paved/portal-ui';
import styles from './dashboard.module.css';

const BAND_TONES: Record<string, ChipTone> = {
  elite: 'success',
  high: 'info',
  medium: 'warning',
  low: 'danger',
};

/**
 * The DORA benchmark a value falls in: the 2024 cluster ("High · DORA
 * 2024"), or the 2025 survey bucket where there is no cluster. The title
 * names both references and their sources.
 */
export const BenchmarkChip = ({
  benchmark,
  compact = false,
}: {
  benchmark: DoraBenchmark;
  compact?: boolean;
}) => {
  const text = compact
    ? benchmarkLabel(benchmark, 'compact')
    : benchmarkLabel(benchmark);
  return (
    <span
      className={`${chipStyles.chip} ${styles.chip}`}
      data-band={benchmark.band ?? 'none'}
      data-tone={benchmark.band ? BAND_TONES[benchmark.band] : undefined}
      data-compact={compact || undefined}
      title={benchmarkDescription(benchmark)}
    >
      {text}
    </span>
  );
};
