import type { Signal } from '@paved/plugin-outcomes-common';
import type {
  ComponentFacts,
  DeliveryFacts,
  SignalThresholds,
  WindowFacts,
} from './facts';
import {
  formatChange,
  formatDuration,
  formatMoney,
  formatPerDay,
  formatRate,
} from './format';

/**
 * The signal rules: each looks at the window and the ones before it and
 * says, in words, what a person should look at (or what went right), with
 * the numbers behind it and where to see them. Pure functions of what the
 * DORA and cost APIs answered.
 */

export type SignalInput = {
  entityRef: string | null;
  currency: string | null;
  /** The window, the one before it and the one before that. */
  windows: [WindowFacts, WindowFacts, WindowFacts];
  /** The components of a group or system (or the component itself). */
  components?: ComponentFacts[];
};

/** (value − previous) / previous, or null when it has no meaning. */
export function relativeChange(
  value: number | null | undefined,
  previous: number | null | undefined,
): number | null {
  if (value === null || value === undefined) return null;
  if (previous === null || previous === undefined || previous === 0) {
    return null;
  }
  return (value - previous) / previous;
}

type Speed = { faster: boolean; evidence: Signal['evidence']; words: string[] };

function speedChange(
  now: DeliveryFacts,
  before: DeliveryFacts,
  t: SignalThresholds,
): Speed {
  const evidence: Signal['evidence'] = [];
  const words: string[] = [];
  const leadTime = relativeChange(now.leadTime, before.leadTime);
  if (leadTime !== null && leadTime <= -t.speedImprovement) {
    words.push(
      `lead time fell ${formatChange(leadTime).slice(1)} (${formatDuration(
        before.leadTime!,
      )} → ${formatDuration(now.leadTime!)})`,
    );
    evidence.push({
      label: 'Change lead time (median)',
      value: `${formatDuration(before.leadTime!)} → ${formatDuration(
        now.leadTime!,
      )}`,
    });
  }
  const frequency = relativeChange(now.perDay, before.perDay);
  if (frequency !== null && frequency >= t.speedImprovement) {
    words.push(
      `deployments rose ${formatChange(frequency).slice(1)} (${formatPerDay(
        before.perDay,
      )} → ${formatPerDay(now.perDay)})`,
    );
    evidence.push({
      label: 'Deployment frequency',
      value: `${formatPerDay(before.perDay)} → ${formatPerDay(now.perDay)}`,
    });
  }
  return { faster: words.length > 0, evidence, words };
}

type Stability = {
  worse: Array<{
    metric: 'changeFailRate' | 'deploymentReworkRate';
    label: string;
    before: number;
    now: number;
  }>;
  steadyOrBetter: boolean;
};

function stabilityChange(
  now: DeliveryFacts,
  before: DeliveryFacts,
  t: SignalThresholds,
): Stability {
  const worse: Stability['worse'] = [];
  let steadyOrBetter = true;
  for (const [metric, label] of [
    ['changeFailRate', 'change fail rate'],
    ['deploymentReworkRate', 'rework rate'],
  ] as const) {
    const a = before[metric];
    const b = now[metric];
    if (a === null || b === null) continue;
    if (b - a >= t.stabilityWorsening)
      worse.push({ metric, label, before: a, now: b });
    if (b - a > t.rateSteadyWithin) steadyOrBetter = false;
  }
  return { worse, steadyOrBetter };
}

function enoughDeployments(t: SignalThresholds, ...facts: DeliveryFacts[]) {
  return facts.every(f => f.deployments >= t.minimumDeployments);
}

function speedWithoutStability(
  input: SignalInput,
  t: SignalThresholds,
): Signal[] {
  const [now, before] = input.windows.map(w => w.delivery);
  if (!now || !before || !enoughDeployments(t, now, before)) return [];
  const speed = speedChange(now, before, t);
  const stability = stabilityChange(now, before, t);
  if (!speed.faster || stability.worse.length === 0) return [];
  const worst = stability.worse[0];
  return [
    {
      rule: 'speed-without-stability',
      tone: 'warning',
      title: 'Speed is hiding instability',
      message: `Since the previous window ${speed.words.join(
        ' and ',
      )}, but ${stability.worse
        .map(
          w =>
            `${w.label} climbed from ${formatRate(w.before)} to ${formatRate(
              w.now,
            )}`,
        )
        .join(
          ' and ',
        )}. Faster delivery that fails more often is not faster: look at the deployments that failed or were reworked.`,
      evidence: [
        ...speed.evidence,
        ...stability.worse.map(w => ({
          label: w.label[0].toUpperCase() + w.label.slice(1),
          value: `${formatRate(w.before)} → ${formatRate(w.now)}`,
        })),
      ],
      drillDown: {
        view: 'delivery',
        entityRef: input.entityRef,
        metric: worst.metric,
      },
    },
  ];
}

function costOutpacingDelivery(
  input: SignalInput,
  t: SignalThresholds,
): Signal[] {
  const [now, before] = input.windows;
  if (!now.cost || !before.cost || !now.delivery || !before.delivery) {
    return [];
  }
  const costGrowth = relativeChange(now.cost.total, before.cost.total);
  if (costGrowth === null || costGrowth <= 0) return [];
  const byRequests =
    now.cost.requests !== null &&
    before.cost.requests !== null &&
    before.cost.requests > 0;
  const deliveryGrowth = byRequests
    ? relativeChange(now.cost.requests, before.cost.requests)!
    : relativeChange(now.delivery.deployments, before.delivery.deployments);
  // No deployments before: the silent-service rule speaks about that.
  if (deliveryGrowth === null) return [];
  if (costGrowth - deliveryGrowth < t.costGrowthOverDelivery) return [];
  const what = byRequests ? 'requests served' : 'deployments';
  const [a, b] = byRequests
    ? [before.cost.requests!, now.cost.requests!]
    : [before.delivery.deployments, now.delivery.deployments];
  return [
    {
      rule: 'cost-outpacing-delivery',
      tone: 'warning',
      title: 'Cost is growing faster than delivery',
      message: `Cost rose ${formatChange(costGrowth).slice(1)} (${formatMoney(
        before.cost.total,
        input.currency,
      )} → ${formatMoney(now.cost.total, input.currency)}) while ${what} ${
        deliveryGrowth >= 0 ? 'rose' : 'fell'
      } ${formatChange(deliveryGrowth).slice(
        1,
      )}. Look at which categories and resources grew.`,
      evidence: [
        {
          label: 'Cost',
          value: `${formatMoney(
            before.cost.total,
            input.currency,
          )} → ${formatMoney(now.cost.total, input.currency)}`,
        },
        {
          label: byRequests ? 'Requests' : 'Deployments',
          value: `${Math.round(a)} → ${Math.round(b)}`,
        },
      ],
      drillDown: { view: 'cost', entityRef: input.entityRef },
    },
  ];
}

function recoveryTrend(input: SignalInput, t: SignalThresholds) {
  const [now, before, earlier] = input.windows.map(w => w.delivery);
  if (!now || !before || !earlier) return null;
  const times = [earlier.recoveryTime, before.recoveryTime, now.recoveryTime];
  if (times.some(v => v === null)) return null;
  const [a, b, c] = times as number[];
  const first = relativeChange(b, a)!;
  const second = relativeChange(c, b)!;
  if (a === 0 || b === 0) return null;
  return {
    slipping: first >= t.recoveryWorsening && second >= t.recoveryWorsening,
    improving: first <= -t.recoveryWorsening && second <= -t.recoveryWorsening,
    evidence: [
      {
        label: 'Recovery time (median), three windows',
        value: `${formatDuration(a)} → ${formatDuration(b)} → ${formatDuration(
          c,
        )}`,
      },
    ],
    words: `${formatDuration(a)}, then ${formatDuration(
      b,
    )}, now ${formatDuration(c)}`,
  };
}

function recoverySlipping(input: SignalInput, t: SignalThresholds): Signal[] {
  const trend = recoveryTrend(input, t);
  if (!trend?.slipping) return [];
  return [
    {
      rule: 'recovery-slipping',
      tone: 'warning',
      title: 'Recovery is slipping',
      message: `Recovering from a failed deployment took longer two windows in a row (${trend.words}). Look at the failed deployments and what slowed their recovery.`,
      evidence: trend.evidence,
      drillDown: {
        view: 'delivery',
        entityRef: input.entityRef,
        metric: 'failedDeploymentRecoveryTime',
      },
    },
  ];
}

function silentServices(input: SignalInput, t: SignalThresholds): Signal[] {
  const silent = (input.components ?? [])
    .filter(c => c.deployments === 0 && (c.cost > 0 || c.runningWorkloads > 0))
    .sort((a, b) => b.cost - a.cost || a.entityRef.localeCompare(b.entityRef));
  return silent.slice(0, t.maxSilentServices).map(c => {
    const name = c.title ?? c.entityRef.replace(/^component:default\//, '');
    const has = [
      c.cost > 0 ? `cost ${formatMoney(c.cost, input.currency)}` : undefined,
      c.runningWorkloads > 0
        ? `${c.runningWorkloads} running workload${
            c.runningWorkloads > 1 ? 's' : ''
          }`
        : undefined,
    ].filter(Boolean);
    return {
      rule: 'silent-service' as const,
      tone: 'warning' as const,
      title: `${name} runs but never deploys`,
      message: `${name} has ${has.join(
        ' and ',
      )} in this window but reported no deployment: its pipeline does not send deployments to Paved, or the service is abandoned.${
        silent.length > t.maxSilentServices
          ? ` ${silent.length} components of this scope are silent; the ${t.maxSilentServices} costliest are named.`
          : ''
      }`,
      evidence: [
        { label: 'Deployments', value: '0' },
        ...(c.cost > 0
          ? [{ label: 'Cost', value: formatMoney(c.cost, input.currency) }]
          : []),
        ...(c.runningWorkloads > 0
          ? [{ label: 'Running workloads', value: String(c.runningWorkloads) }]
          : []),
      ],
      drillDown: { view: 'delivery' as const, entityRef: c.entityRef },
    };
  });
}

function improving(input: SignalInput, t: SignalThresholds): Signal[] {
  const signals: Signal[] = [];
  const [now, before] = input.windows;
  if (
    now.delivery &&
    before.delivery &&
    enoughDeployments(t, now.delivery, before.delivery)
  ) {
    const speed = speedChange(now.delivery, before.delivery, t);
    const stability = stabilityChange(now.delivery, before.delivery, t);
    if (speed.faster && stability.steadyOrBetter) {
      signals.push({
        rule: 'improving',
        tone: 'positive',
        title: 'Faster without losing stability',
        message: `Since the previous window ${speed.words.join(
          ' and ',
        )}, and change fail and rework rates held.`,
        evidence: speed.evidence,
        drillDown: {
          view: 'delivery',
          entityRef: input.entityRef,
          metric: 'changeLeadTime',
        },
      });
    }
  }
  const recovery = recoveryTrend(input, t);
  if (recovery?.improving) {
    signals.push({
      rule: 'improving',
      tone: 'positive',
      title: 'Recovering faster',
      message: `Recovering from a failed deployment got quicker two windows in a row (${recovery.words}).`,
      evidence: recovery.evidence,
      drillDown: {
        view: 'delivery',
        entityRef: input.entityRef,
        metric: 'failedDeploymentRecoveryTime',
      },
    });
  }
  if (now.cost && before.cost && now.delivery && before.delivery) {
    const perDeployment = (w: WindowFacts) =>
      w.delivery!.deployments > 0
        ? w.cost!.total / w.delivery!.deployments
        : null;
    const change = relativeChange(perDeployment(now), perDeployment(before));
    if (
      change !== null &&
      change <= -t.speedImprovement &&
      now.delivery.deployments >= before.delivery.deployments &&
      enoughDeployments(t, now.delivery, before.delivery)
    ) {
      signals.push({
        rule: 'improving',
        tone: 'positive',
        title: 'Cheaper per deployment',
        message: `Each deployment cost ${formatChange(change).slice(
          1,
        )} less than in the previous window (${formatMoney(
          perDeployment(before)!,
          input.currency,
        )} → ${formatMoney(
          perDeployment(now)!,
          input.currency,
        )}), with as many deployments or more.`,
        evidence: [
          {
            label: 'Cost per deployment',
            value: `${formatMoney(
              perDeployment(before)!,
              input.currency,
            )} → ${formatMoney(perDeployment(now)!, input.currency)}`,
          },
        ],
        drillDown: { view: 'cost', entityRef: input.entityRef },
      });
    }
  }
  return signals;
}

/** Every rule, warnings first. */
export function evaluateSignals(
  input: SignalInput,
  thresholds: SignalThresholds,
): Signal[] {
  return [
    ...speedWithoutStability(input, thresholds),
    ...recoverySlipping(input, thresholds),
    ...costOutpacingDelivery(input, thresholds),
    ...silentServices(input, thresholds),
    ...improving(input, thresholds),
  ];
}
