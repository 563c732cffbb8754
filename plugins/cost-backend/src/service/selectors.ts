import {
  type LabelRequirement,
  type LabelSelector,
  matchesLabels,
  parseLabelSelector,
} from '@paved/label-selectors';

export type { LabelSelector };

/**
 * Parses a selector strictly: one that claims cost must not silently claim
 * more than it says, so an empty selector, an empty requirement or a key or
 * value Kubernetes would refuse is an error saying what is wrong.
 */
export function parseSelector(text: string): LabelSelector {
  return parseLabelSelector(text, { parsing: 'strict' });
}

/**
 * Whether a cost row's labels meet the selector. OpenCost reports label
 * names sanitised to Prometheus label names (`app.kubernetes.io/name`
 * arrives as `app_kubernetes_io_name`), so a selector written with the
 * Kubernetes name matches either form.
 */
export function matches(
  selector: LabelSelector,
  labels: Record<string, string>,
): boolean {
  return matchesLabels(selector.requirements, labels, {
    prometheusLabelNames: true,
  });
}

/** `k=v`, `k in (…)` and `k` (exists) require something of a row. */
function isPositive(requirement: LabelRequirement): boolean {
  return requirement.operator === 'in' || requirement.operator === 'exists';
}

/**
 * How specific a selector is when several entities match a label set: its
 * positive requirements. Negations (`!k`, `k!=v`, `notin`) do not count, or
 * anyone could out-rank a team's selector by adding `!x,!y,!z`.
 */
export function specificity(selector: LabelSelector): number {
  return selector.requirements.filter(isPositive).length;
}

/**
 * Parses the selector an entity claims cost with. Besides being a valid
 * selector, it must require at least one label (`k=v`, `k in (…)`, `k`):
 * a selector of negations only matches every row that lacks some labels,
 * so it would claim other teams' cost.
 */
export function parseAllocationSelector(text: string): LabelSelector {
  const selector = parseSelector(text);
  if (!selector.requirements.some(isPositive)) {
    throw new Error(
      'it has only negations (!key, key!=value, notin), which would claim every row without those labels; add a positive requirement such as key=value',
    );
  }
  return selector;
}
