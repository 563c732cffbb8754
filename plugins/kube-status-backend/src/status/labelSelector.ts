/** One requirement of a Kubernetes label selector. */
export type LabelRequirement =
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'exists' | 'doesnotexist' };

/** Thrown for a label selector annotation that cannot be parsed. */
export class LabelSelectorError extends Error {}

/**
 * Parses the string form (`backstage.io/kubernetes-label-selector`):
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`,
 * comma-separated.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts
    .map(p => p.trim())
    .filter(Boolean)
    .map(part => {
      const set = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
      if (set) {
        return {
          key: set[1],
          operator: set[2] as 'in' | 'notin',
          values: set[3]
            .split(',')
            .map(v => v.trim())
            .filter(Boolean),
        };
      }
      const eq = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part);
      if (eq) {
        return {
          key: eq[1],
          operator: eq[2] === '!=' ? 'notin' : 'in',
          values: [eq[3]],
        };
      }
      const exists = /^(!?)([\w./-]+)$/.exec(part);
      if (exists) {
        return {
          key: exists[2],
          operator: exists[1] ? 'doesnotexist' : 'exists',
        };
      }
      throw new LabelSelectorError(`cannot parse label selector '${text}'`);
    });
}

/**
 * A workload's or PDB's `selector` (matchLabels + matchExpressions). An absent
 * selector selects nothing; an empty one selects everything.
 */
export function fromSelectorObject(
  selector: unknown,
): LabelRequirement[] | undefined {
  if (!selector || typeof selector !== 'object') return undefined;
  const { matchLabels, matchExpressions } = selector as {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{
      key: string;
      operator: string;
      values?: string[];
    }>;
  };
  const requirements: LabelRequirement[] = Object.entries(
    matchLabels ?? {},
  ).map(([key, value]) => ({ key, operator: 'in', values: [value] }));
  for (const e of matchExpressions ?? []) {
    const operator = e.operator.toLowerCase();
    if (operator === 'in' || operator === 'notin') {
      requirements.push({ key: e.key, operator, values: e.values ?? [] });
    } else if (operator === 'exists' || operator === 'doesnotexist') {
      requirements.push({ key: e.key, operator });
    }
  }
  return requirements;
}

export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  return requirements.every(r => {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    switch (r.operator) {
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
      case 'in':
        return has && r.values.includes(labels![r.key]);
      case 'notin':
        return !has || !r.values.includes(labels![r.key]);
      default:
        return false;
    }
  });
}
