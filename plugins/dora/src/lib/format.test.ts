import {
  changeFailRateBenchmark,
  changeLeadTimeBenchmark,
  reworkRateBenchmark,
} from '@paved/plugin-dora-common';
import {
  benchmarkDescription,
  benchmarkLabel,
  describeFailure,
  describeReworkReason,
  formatDuration,
  formatFrequency,
  formatRate,
} from './format';

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [0, '0 s'],
    [42, '42 s'],
    [59.4, '59 s'],
    [59.6, '1 min'],
    [12 * 60, '12 min'],
    [3.2 * HOUR, '3.2 h'],
    [3 * HOUR, '3 h'],
    [14.4 * HOUR, '14 h'],
    [23.99 * HOUR, '1 d'],
    [2.1 * DAY, '2.1 d'],
    [12.6 * DAY, '13 d'],
  ])('writes %p seconds as %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatRate', () => {
  it.each([
    [null, '—'],
    [0, '0%'],
    [0.12, '12%'],
    [0.045, '4.5%'],
    [0.0999, '10%'],
    [1, '100%'],
  ])('writes %p as %p', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });
});

describe('formatFrequency', () => {
  it.each([
    [0, '0 / day'],
    [1.4, '1.4 / day'],
    [12.3, '12 / day'],
    [1, '1 / day'],
    [2.3 / 7, '2.3 / week'],
    [1 / 7, '1 / week'],
    [0.9 / 30, '0.9 / month'],
  ])('writes %p deployments a day as %p', (perDay, text) => {
    expect(formatFrequency(perDay)).toBe(text);
  });
});

describe('benchmarks', () => {
  it('labels the 2024 cluster, or the 2025 survey bucket where there is none', () => {
    expect(benchmarkLabel(changeLeadTimeBenchmark(3 * HOUR))).toBe(
      'Elite · DORA 2024',
    );
    expect(benchmarkLabel(changeFailRateBenchmark(0.2), 'compact')).toBe(
      'High',
    );
    expect(benchmarkLabel(reworkRateBenchmark(0.2))).toBe('16–30% · DORA 2025');
    expect(benchmarkLabel(reworkRateBenchmark(null))).toBe('No benchmark');
  });

  it('names both sources in the description', () => {
    const text = benchmarkDescription(changeLeadTimeBenchmark(2 * DAY));
    expect(text).toMatch(
      /^High performer in the DORA Accelerate State of DevOps Report 2024/,
    );
    expect(text).toMatch(/2025 survey bucket: between one day and one week/);
  });
});

describe('describeFailure', () => {
  it('says which rule made a deployment failed', () => {
    expect(
      describeFailure({
        rule: 'incident-names-deployment',
        incidentId: 'INC-12',
      }),
    ).toBe('An incident (INC-12) named this deployment as its cause');
    expect(
      describeFailure({
        rule: 'incident-names-delivered-sha',
        incidentId: 'INC-3',
        sha: '0123456789abcdef',
      }),
    ).toBe(
      'An incident (INC-3) named commit 0123456, which this deployment delivered, as its cause',
    );
    expect(
      describeFailure({ rule: 'rolled-back', rollbackDeploymentId: 'run-77' }),
    ).toBe('Rolled back by deployment run-77');
    expect(
      describeFailure({
        rule: 'incident-after-deployment',
        incidentId: 'INC-4',
      }),
    ).toBe(
      'An incident (INC-4) with no named cause opened after this deployment, the latest one before it',
    );
  });

  it('says why a deployment is rework', () => {
    expect(describeReworkReason('rollback')).toBe('It is a rollback');
    expect(describeReworkReason('unplanned')).toBe('Marked as unplanned');
    expect(describeReworkReason('label:hotfix')).toBe(
      'Delivers a change labelled “hotfix”',
    );
    expect(describeReworkReason('resolves:INC-9')).toBe(
      'Resolves incident INC-9',
    );
  });
});
