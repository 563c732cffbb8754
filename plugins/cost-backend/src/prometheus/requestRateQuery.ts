import { CustomErrorBase } from '@backstage/errors';

/**
 * An entity's `prometheus.io/request-rate-query` that Paved does not send
 * to Prometheus: the query runs with the portal's Prometheus credentials,
 * so it may only read the allow-listed request metrics.
 */
export class RequestRateQueryRefusedError extends CustomErrorBase {
  name = 'RequestRateQueryRefusedError' as const;
}

/** The longest request-rate query accepted from an annotation. */
export const MAX_REQUEST_RATE_QUERY_LENGTH = 1000;

/** Aggregation operators and keywords: never metric names. */
const KEYWORDS = new Set([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'limitk',
  'limit_ratio',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'atan2',
  'inf',
  'nan',
]);

/** Keywords followed by a parenthesised list of label names. */
const LABEL_LISTS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
]);

const IDENTIFIER_START = /[A-Za-z_:]/;
const IDENTIFIER_PART = /[A-Za-z0-9_:]/;

/**
 * The metric names a PromQL expression reads, found by a single linear scan
 * (no backtracking). Throws RequestRateQueryRefusedError for what it will
 * not judge: selectors without a metric name or matching on `__name__`
 * (they could read any metric), unterminated strings or brackets.
 */
export function metricNamesOf(query: string): string[] {
  const metrics: string[] = [];
  let i = 0;
  let previousIdentifier: string | undefined;
  const refuse = (why: string): never => {
    throw new RequestRateQueryRefusedError(why);
  };
  const skipSpace = () => {
    while (i < query.length && /\s/.test(query[i])) i++;
  };
  const skipString = () => {
    const quote = query[i++];
    while (i < query.length && query[i] !== quote) {
      i += query[i] === '\\' && quote !== '`' ? 2 : 1;
    }
    if (i >= query.length) refuse('it has an unterminated string');
    i++;
  };
  const readIdentifier = () => {
    const begin = i;
    while (i < query.length && IDENTIFIER_PART.test(query[i])) i++;
    return query.slice(begin, i);
  };

  while (i < query.length) {
    const char = query[i];
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === '#') {
      while (i < query.length && query[i] !== '\n') i++;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') {
      skipString();
      previousIdentifier = undefined;
      continue;
    }
    if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(query[i + 1]))) {
      // Numbers and durations (5m, 1e3, 0x1f).
      while (i < query.length && /[A-Za-z0-9_.]/.test(query[i])) i++;
      previousIdentifier = undefined;
      continue;
    }
    if (char === '[') {
      // Ranges and subquery steps hold durations only.
      const end = query.indexOf(']', i);
      if (end < 0) refuse("it has an unterminated '['");
      if (!/^[\s0-9a-zA-Z:.]*$/.test(query.slice(i + 1, end))) {
        refuse('a range may hold durations only');
      }
      i = end + 1;
      previousIdentifier = undefined;
      continue;
    }
    if (char === '{') {
      if (previousIdentifier === undefined) {
        refuse(
          'a selector without a metric name ({…}) could read any metric; name the metric',
        );
      }
      i++;
      // Label matchers: names, operators and quoted values.
      while (i < query.length && query[i] !== '}') {
        if (query[i] === '"' || query[i] === "'" || query[i] === '`') {
          skipString();
        } else if (IDENTIFIER_START.test(query[i])) {
          if (readIdentifier() === '__name__') {
            refuse('matching on __name__ could read any metric');
          }
        } else {
          i++;
        }
      }
      if (i >= query.length) refuse("it has an unterminated '{'");
      i++;
      previousIdentifier = undefined;
      continue;
    }
    if (IDENTIFIER_START.test(char)) {
      const name = readIdentifier();
      const lower = name.toLowerCase();
      skipSpace();
      if (LABEL_LISTS.has(lower) && query[i] === '(') {
        const end = query.indexOf(')', i);
        if (end < 0) refuse("it has an unterminated '('");
        i = end + 1;
        previousIdentifier = undefined;
        continue;
      }
      if (KEYWORDS.has(lower) || query[i] === '(') {
        // An operator or a function call, not a metric.
        previousIdentifier = undefined;
        continue;
      }
      metrics.push(name);
      previousIdentifier = name;
      continue;
    }
    i++;
    previousIdentifier = undefined;
  }
  return metrics;
}

/**
 * Checks an entity's request-rate query before it is sent: at most
 * MAX_REQUEST_RATE_QUERY_LENGTH characters, reading at least one metric and
 * only allow-listed ones. Throws RequestRateQueryRefusedError saying why.
 */
export function checkRequestRateQuery(
  query: string,
  allowedMetrics: ReadonlySet<string>,
): void {
  const allowed = [...allowedMetrics].join(', ');
  if (query.length > MAX_REQUEST_RATE_QUERY_LENGTH) {
    throw new RequestRateQueryRefusedError(
      `prometheus.io/request-rate-query is refused: it is longer than ${MAX_REQUEST_RATE_QUERY_LENGTH} characters`,
    );
  }
  let metrics: string[];
  try {
    metrics = metricNamesOf(query);
  } catch (e) {
    throw new RequestRateQueryRefusedError(
      `prometheus.io/request-rate-query is refused: ${(e as Error).message}`,
    );
  }
  if (metrics.length === 0) {
    throw new RequestRateQueryRefusedError(
      `prometheus.io/request-rate-query is refused: it reads no metric; use one of ${allowed}`,
    );
  }
  const refused = [...new Set(metrics.filter(m => !allowedMetrics.has(m)))];
  if (refused.length > 0) {
    throw new RequestRateQueryRefusedError(
      `prometheus.io/request-rate-query is refused: it reads ${refused.join(
        ', ',
      )}, which is not an allowed request metric (allowed: ${allowed}; an admin can allow more in cost.prometheus.allowedRequestRateMetrics)`,
    );
  }
}
