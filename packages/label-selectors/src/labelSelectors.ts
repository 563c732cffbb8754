/**
 * Kubernetes label selectors: the string form of `kubectl -l` and of the
 * catalog annotations (`k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`,
 * `k`, `!k`, joined by commas meaning AND) and the object form of a
 * workload's `selector` (matchLabels + matchExpressions).
 */

/** One requirement of a label selector; all of them must hold. */
export type LabelRequirement =
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'exists' | 'doesnotexist' };

/** A parsed selector and the text it was parsed from (trimmed). */
export type LabelSelector = {
  text: string;
  requirements: LabelRequirement[];
};

/** Thrown for a selector that cannot be parsed; the message says why. */
export class LabelSelectorError extends Error {}

/**
 * How strictly a selector is read.
 *
 * - `strict`: every key and value must be a valid Kubernetes label key and
 *   value, and an empty selector or an empty requirement (`a=b,,c=d`) is
 *   refused. For selectors that claim something, where a typo must not
 *   silently select more (cost allocation).
 * - `lenient`: keys and values may be any of letters, digits, `_`, `.`, `/`
 *   and `-`; empty requirements and empty values in a set are passed over,
 *   and an empty selector selects everything, as in Kubernetes. For
 *   selectors that only look things up (Kubernetes status).
 *
 * Both refuse what has no meaning at all (unbalanced parentheses, spaces in
 * a key, a stray operator).
 */
export type LabelSelectorParsing = 'strict' | 'lenient';

const KEY: Record<LabelSelectorParsing, RegExp> = {
  strict: /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/,
  lenient: /^[\w./-]+$/,
};
const VALUE: Record<LabelSelectorParsing, RegExp> = {
  strict: /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/,
  lenient: /^[\w./-]*$/,
};

/** Splits on commas outside parentheses; throws on unbalanced ones. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth < 0) throw new LabelSelectorError('unbalanced parentheses');
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw new LabelSelectorError('unbalanced parentheses');
  parts.push(current);
  return parts.map(p => p.trim());
}

function requirementParser(parsing: LabelSelectorParsing) {
  const key = (text: string): string => {
    if (!KEY[parsing].test(text)) {
      throw new LabelSelectorError(`'${text}' is not a label key`);
    }
    return text;
  };
  const value = (text: string): string => {
    if (!VALUE[parsing].test(text)) {
      throw new LabelSelectorError(`'${text}' is not a label value`);
    }
    return text;
  };

  return (part: string): LabelRequirement => {
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (set) {
      const values = set[3].split(',').map(v => value(v.trim()));
      return {
        key: key(set[1]),
        operator: set[2] as 'in' | 'notin',
        // An empty value is a valid label value; read leniently, `in (a,)`
        // is taken for a trailing comma.
        values: parsing === 'lenient' ? values.filter(Boolean) : values,
      };
    }
    const inequality = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(part);
    if (inequality) {
      return {
        key: key(inequality[1]),
        operator: 'notin',
        values: [value(inequality[2].trim())],
      };
    }
    const equality = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(part);
    if (equality) {
      return {
        key: key(equality[1]),
        operator: 'in',
        values: [value(equality[2].trim())],
      };
    }
    if (part.startsWith('!')) {
      return { key: key(part.slice(1).trim()), operator: 'doesnotexist' };
    }
    return { key: key(part), operator: 'exists' };
  };
}

/**
 * Parses the string form of a selector; throws a LabelSelectorError saying
 * what is wrong.
 */
export function parseLabelSelector(
  text: string,
  options: { parsing: LabelSelectorParsing },
): LabelSelector {
  const { parsing } = options;
  const trimmed = text.trim();
  if (!trimmed) {
    if (parsing === 'lenient') return { text: trimmed, requirements: [] };
    // An empty Kubernetes selector selects everything; where a selector
    // claims something, that would claim it all.
    throw new LabelSelectorError('the selector is empty');
  }
  const parts = splitTopLevel(trimmed);
  if (parsing === 'strict' && parts.some(part => !part)) {
    throw new LabelSelectorError('empty requirement');
  }
  return {
    text: trimmed,
    requirements: parts.filter(Boolean).map(requirementParser(parsing)),
  };
}

/**
 * A workload's or PDB's `selector` (matchLabels + matchExpressions). An
 * absent selector selects nothing (undefined); an empty one selects
 * everything (no requirements).
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

/**
 * The Prometheus form of a label name (`app.kubernetes.io/name` as
 * `app_kubernetes_io_name`), as OpenCost reports Kubernetes labels.
 */
function prometheusLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Whether a label set meets every requirement. With `prometheusLabelNames`,
 * a key also finds a label under its Prometheus name when the label set
 * has none under the key itself, so a selector written with Kubernetes
 * names matches the labels OpenCost reports.
 */
export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> | undefined,
  options: { prometheusLabelNames?: boolean } = {},
): boolean {
  const valueOf = (key: string): string | undefined => {
    if (!labels) return undefined;
    if (Object.hasOwn(labels, key)) return labels[key];
    if (!options.prometheusLabelNames) return undefined;
    const name = prometheusLabelName(key);
    return Object.hasOwn(labels, name) ? labels[name] : undefined;
  };
  return requirements.every(r => {
    const actual = valueOf(r.key);
    const has = actual !== undefined;
    switch (r.operator) {
      case 'in':
        return has && r.values.includes(actual);
      case 'notin':
        return !has || !r.values.includes(actual);
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
      default:
        return false;
    }
  });
}
