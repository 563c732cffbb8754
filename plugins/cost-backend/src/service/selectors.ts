/**
 * Kubernetes label selectors (the set-based syntax of `kubectl -l`):
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined
 * by commas meaning AND.
 */
export type Requirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: 'absent' };

export type LabelSelector = { text: string; requirements: Requirement[] };

const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/;

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth < 0) throw new Error('unbalanced parentheses');
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw new Error('unbalanced parentheses');
  parts.push(current);
  return parts.map(p => p.trim());
}

function key(text: string): string {
  if (!KEY.test(text)) throw new Error(`'${text}' is not a label key`);
  return text;
}

function value(text: string): string {
  if (!VALUE.test(text)) throw new Error(`'${text}' is not a label value`);
  return text;
}

function parseRequirement(part: string): Requirement {
  if (!part) throw new Error('empty requirement');
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const values = set[3].split(',').map(v => value(v.trim()));
    return {
      key: key(set[1]),
      op: set[2] as 'in' | 'notin',
      values,
    };
  }
  const inequality = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(part);
  if (inequality) {
    return {
      key: key(inequality[1]),
      op: 'notin',
      values: [value(inequality[2].trim())],
    };
  }
  const equality = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(part);
  if (equality) {
    return {
      key: key(equality[1]),
      op: 'in',
      values: [value(equality[2].trim())],
    };
  }
  if (part.startsWith('!'))
    return { key: key(part.slice(1).trim()), op: 'absent' };
  return { key: key(part), op: 'exists' };
}

/** Parses a selector; throws an Error saying what is wrong. */
export function parseSelector(text: string): LabelSelector {
  const trimmed = text.trim();
  if (!trimmed) {
    // An empty Kubernetes selector selects everything; for allocation that
    // would claim every row, so it is refused.
    throw new Error('the selector is empty');
  }
  return {
    text: trimmed,
    requirements: splitTopLevel(trimmed).map(parseRequirement),
  };
}

/**
 * OpenCost reports label names sanitised to Prometheus label names
 * (`app.kubernetes.io/name` arrives as `app_kubernetes_io_name`), so a
 * selector written with the Kubernetes name matches either form.
 */
function sanitisedLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

function labelValue(
  labels: Record<string, string>,
  name: string,
): string | undefined {
  if (Object.prototype.hasOwnProperty.call(labels, name)) return labels[name];
  const sanitised = sanitisedLabelName(name);
  return Object.prototype.hasOwnProperty.call(labels, sanitised)
    ? labels[sanitised]
    : undefined;
}

export function matches(
  selector: LabelSelector,
  labels: Record<string, string>,
): boolean {
  return selector.requirements.every(r => {
    const actual = labelValue(labels, r.key);
    const has = actual !== undefined;
    switch (r.op) {
      case 'in':
        return has && r.values.includes(actual);
      case 'notin':
        return !has || !r.values.includes(actual);
      case 'exists':
        return has;
      case 'absent':
        return !has;
      default:
        return false;
    }
  });
}

/** `k=v`, `k in (…)` and `k` (exists) require something of a row. */
function isPositive(requirement: Requirement): boolean {
  return requirement.op === 'in' || requirement.op === 'exists';
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
