import {
  changeFailRateBenchmark,
  changeLeadTimeBenchmark,
  deploymentFrequencyBenchmark,
  DORA_2024_SOURCE,
  DORA_2025_SOURCE,
  recoveryTimeBenchmark,
  reworkRateBenchmark,
} from './benchmarks';

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('DORA benchmarks', () => {
  it('names both sources on every benchmark', () => {
    const benchmark = changeLeadTimeBenchmark(HOUR);
    expect(benchmark.bandSource).toBe(DORA_2024_SOURCE);
    expect(benchmark.surveySource).toBe(DORA_2025_SOURCE);
    expect(benchmark.bandSource).toMatch(/2024/);
    expect(benchmark.surveySource).toMatch(/2025/);
  });

  it('bands deployment frequency by the survey bucket', () => {
    expect(deploymentFrequencyBenchmark('on-demand', 3)).toMatchObject({
      band: 'elite',
      surveyBucket: 'on demand (multiple deploys per day)',
    });
    expect(deploymentFrequencyBenchmark('daily', 1).band).toBe('high');
    expect(deploymentFrequencyBenchmark('weekly', 0.2)).toMatchObject({
      band: 'high',
      surveyBucket: 'between once per day and once per week',
    });
    expect(deploymentFrequencyBenchmark('monthly', 0.05)).toMatchObject({
      band: 'medium',
      surveyBucket: 'between once per week and once per month',
    });
    expect(deploymentFrequencyBenchmark('less-than-monthly', 0.01).band).toBe(
      'low',
    );
    expect(deploymentFrequencyBenchmark(null, 0)).toMatchObject({
      band: null,
      surveyBucket: null,
    });
  });

  it('bands lead time at one day, one week and one month', () => {
    expect(changeLeadTimeBenchmark(DAY - 1)).toMatchObject({
      band: 'elite',
      surveyBucket: 'between one hour and one day',
    });
    expect(changeLeadTimeBenchmark(DAY).band).toBe('high');
    expect(changeLeadTimeBenchmark(7 * DAY).band).toBe('medium');
    expect(changeLeadTimeBenchmark(30 * DAY)).toMatchObject({
      band: 'low',
      surveyBucket: 'between one month and six months',
    });
    expect(changeLeadTimeBenchmark(10 * 60).surveyBucket).toBe(
      'less than one hour',
    );
    expect(changeLeadTimeBenchmark(null).band).toBeNull();
  });

  it('labels a change fail rate with the nearest 2024 cluster value', () => {
    expect(changeFailRateBenchmark(0).band).toBe('elite');
    expect(changeFailRateBenchmark(0.07).band).toBe('elite');
    expect(changeFailRateBenchmark(0.09).band).toBe('medium');
    expect(changeFailRateBenchmark(0.18).band).toBe('high');
    expect(changeFailRateBenchmark(0.35)).toMatchObject({
      band: 'low',
      surveyBucket: '31–45%',
    });
    expect(changeFailRateBenchmark(0.15).surveyBucket).toBe('0–15%');
    expect(changeFailRateBenchmark(null).band).toBeNull();
  });

  it('bands recovery time at one hour and one day', () => {
    expect(recoveryTimeBenchmark(HOUR - 1).band).toBe('elite');
    expect(recoveryTimeBenchmark(HOUR).band).toBe('high');
    expect(recoveryTimeBenchmark(DAY)).toMatchObject({
      band: 'low',
      surveyBucket: 'between one day and one week',
    });
  });

  it('gives rework rate a survey bucket but no 2024 cluster', () => {
    expect(reworkRateBenchmark(0.12)).toMatchObject({
      band: null,
      surveyBucket: '0–15%',
    });
    expect(reworkRateBenchmark(null).surveyBucket).toBeNull();
  });
});
