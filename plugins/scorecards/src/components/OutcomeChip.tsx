import type { ReactElement } from 'react';
import {
  RiCheckboxCircleFill,
  RiCloseCircleFill,
  RiIndeterminateCircleLine,
  RiTimerLine,
} from '@remixicon/react';
import type { CheckOutcome } from '@paved/plugin-scorecards-common';
import { type ChipTone, chipStyles } from '@paved/portal-ui';

const tones: Record<CheckOutcome, ChipTone | undefined> = {
  pass: 'success',
  fail: 'danger',
  'not-applicable': undefined,
  'pass-with-exception': 'warning',
};

export const outcomeLabels: Record<CheckOutcome, string> = {
  pass: 'Passes',
  fail: 'Fails',
  'not-applicable': 'Does not apply',
  'pass-with-exception': 'Passes with an exception',
};

const icons: Record<CheckOutcome, ReactElement> = {
  pass: <RiCheckboxCircleFill size={14} aria-hidden />,
  fail: <RiCloseCircleFill size={14} aria-hidden />,
  'not-applicable': <RiIndeterminateCircleLine size={14} aria-hidden />,
  'pass-with-exception': <RiTimerLine size={14} aria-hidden />,
};

/** A check's outcome in colour, icon and word, so colour is never the only cue. */
export const OutcomeChip = ({ outcome }: { outcome: CheckOutcome }) => (
  <span className={chipStyles.chip} data-tone={tones[outcome]}>
    {icons[outcome]}
    {outcomeLabels[outcome]}
  </span>
);

/** A level's title as a chip; "No level yet" below the first. */
export const LevelChip = ({ title }: { title: string | null }) => (
  <span className={chipStyles.chip} data-tone={title ? 'info' : 'warning'}>
    {title ?? 'No level yet'}
  </span>
);
