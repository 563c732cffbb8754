import {
  AI_ASSISTED_LABEL,
  type AiSplitSide,
  type DoraDeploymentRow,
} from '@paved/plugin-dora-common';
import { distribution } from './computeMetrics';

const rate = (part: number, whole: number) =>
  whole === 0 ? null : part / whole;

function side(
  changes: number[],
  deployments: DoraDeploymentRow[],
): AiSplitSide {
  const failed = deployments.filter(d => d.failed).length;
  const rework = deployments.filter(d => d.rework).length;
  return {
    changes: changes.length,
    changeLeadTime: distribution(changes),
    deployments: deployments.length,
    failed,
    changeFailRate: rate(failed, deployments.length),
    rework,
    deploymentReworkRate: rate(rework, deployments.length),
  };
}

/**
 * Delivery split by AI-assisted changes (labelled ai-assisted) and the
 * others: each change's lead time on its side; a deployment counts on the
 * AI-assisted side when it delivered any AI-assisted change and on the
 * other side when it delivered any other change (a deployment with both
 * counts on both), so change fail and rework rates compare deployments
 * that carried each kind of change. Deployments that delivered no known
 * change count on neither side.
 */
export function aiSplit(rows: DoraDeploymentRow[]): {
  aiAssisted: AiSplitSide;
  other: AiSplitSide;
} {
  const ai: number[] = [];
  const other: number[] = [];
  const aiDeployments: DoraDeploymentRow[] = [];
  const otherDeployments: DoraDeploymentRow[] = [];
  for (const row of rows) {
    let carriesAi = false;
    let carriesOther = false;
    for (const change of row.delivered) {
      if (!change.changeId) continue;
      const isAi = (change.labels ?? []).includes(AI_ASSISTED_LABEL);
      if (isAi) carriesAi = true;
      else carriesOther = true;
      if (change.leadTimeSeconds !== undefined) {
        (isAi ? ai : other).push(change.leadTimeSeconds);
      }
    }
    if (carriesAi) aiDeployments.push(row);
    if (carriesOther) otherDeployments.push(row);
  }
  return {
    aiAssisted: side(ai, aiDeployments),
    other: side(other, otherDeployments),
  };
}
