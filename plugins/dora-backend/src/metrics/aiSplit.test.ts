import type { DoraDeploymentRow } from '@paved/plugin-dora-common';
import { aiSplit } from './aiSplit';

const row = (
  id: string,
  delivered: Array<{ labels?: string[]; leadTimeSeconds?: number } | 'unknown'>,
  verdict: { failed?: boolean; rework?: boolean } = {},
): DoraDeploymentRow =>
  ({
    id,
    delivered: delivered.map((d, i) =>
      d === 'unknown'
        ? { sha: `${id}-${i}` }
        : { sha: `${id}-${i}`, changeId: `${id}-${i}`, ...d },
    ),
    failed: verdict.failed ?? false,
    rework: verdict.rework ?? false,
  } as unknown as DoraDeploymentRow);

const ai = (leadTimeSeconds: number) => ({
  labels: ['ai-assisted'],
  leadTimeSeconds,
});
const human = (leadTimeSeconds: number) => ({
  labels: ['feature'],
  leadTimeSeconds,
});

describe('delivery split by AI-assisted changes', () => {
  it('shows AI-assisted changes shipping faster but failing and reworked more', () => {
    const split = aiSplit([
      row('d1', [ai(600), ai(1200)], { failed: true }),
      row('d2', [ai(900)], { rework: true }),
      row('d3', [human(7200)]),
      row('d4', [human(3600), human(10800)]),
    ]);
    expect(split.aiAssisted).toMatchObject({
      changes: 3,
      changeLeadTime: { p50: 900, n: 3 },
      deployments: 2,
      failed: 1,
      changeFailRate: 0.5,
      rework: 1,
      deploymentReworkRate: 0.5,
    });
    expect(split.other).toMatchObject({
      changes: 3,
      changeLeadTime: { p50: 7200, n: 3 },
      deployments: 2,
      changeFailRate: 0,
      deploymentReworkRate: 0,
    });
  });

  it('counts a deployment with both kinds on both sides, and one with no known change on neither', () => {
    const split = aiSplit([
      row('mixed', [ai(100), human(200)], { failed: true }),
      row('bare', ['unknown'], { failed: true }),
    ]);
    expect(split.aiAssisted).toMatchObject({ deployments: 1, failed: 1 });
    expect(split.other).toMatchObject({ deployments: 1, failed: 1 });
  });

  it('has no rates rather than zero when a side delivered nothing', () => {
    const split = aiSplit([row('d1', [human(60)])]);
    expect(split.aiAssisted).toEqual({
      changes: 0,
      changeLeadTime: { p50: null, p75: null, p90: null, n: 0 },
      deployments: 0,
      failed: 0,
      changeFailRate: null,
      rework: 0,
      deploymentReworkRate: null,
    });
  });
});
