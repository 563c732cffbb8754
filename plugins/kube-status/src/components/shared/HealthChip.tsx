import type { ReactElement } from 'react';
import {
  RiCheckboxCircleFill,
  RiCloseCircleFill,
  RiErrorWarningFill,
  RiLoader4Line,
  RiQuestionFill,
} from '@remixicon/react';
import type { WorkloadHealth } from '@paved/plugin-kube-status-common';
import { healthLabels } from '../../lib/format';
import { type ChipTone, chipStyles } from '@paved/portal-ui';

const HEALTH_TONES: Record<WorkloadHealth, ChipTone | undefined> = {
  failing: 'danger',
  degraded: 'warning',
  unknown: undefined,
  progressing: 'info',
  healthy: 'success',
};

const icons: Record<WorkloadHealth, ReactElement> = {
  failing: <RiCloseCircleFill size={14} aria-hidden />,
  degraded: <RiErrorWarningFill size={14} aria-hidden />,
  unknown: <RiQuestionFill size={14} aria-hidden />,
  progressing: <RiLoader4Line size={14} aria-hidden />,
  healthy: <RiCheckboxCircleFill size={14} aria-hidden />,
};

/** A workload's health in colour, icon and word, so colour is never the only cue. */
export const HealthChip = ({
  health,
  title,
}: {
  health: WorkloadHealth;
  /** Why: shown on hover. */
  title?: string;
}) => (
  <span
    className={chipStyles.chip}
    data-health={health}
    data-tone={HEALTH_TONES[health]}
    title={title}
  >
    {icons[health]}
    {healthLabels[health]}
  </span>
);
