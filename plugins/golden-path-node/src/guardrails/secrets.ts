import { isScalar, visit } from 'yaml';
import { Finding, WorkspaceFile } from './types';
import { isYamlFile, parseYamlFile } from './yaml';

/*
 * The scanner reads text a template rendered from user answers, so it must
 * be linear in its input: no regular expression here has nested or
 * overlapping quantifiers, every quantifier over user text is bounded or
 * followed by a character it cannot match, and the key/value rules are plain
 * string scans. Values longer than MAX_INSPECTED_VALUE are not inspected
 * further: under a secret key such a value is reported as a literal.
 */

/** Longest value the key/value rules inspect (a longer secret value is reported as such). */
export const MAX_INSPECTED_VALUE = 4096;

/**
 * Token formats that are secrets wherever they appear. The upper bounds are
 * far above the real formats' lengths (GitHub tokens are 40 and 93
 * characters, Slack tokens under 100) and keep each attempt short.
 */
const TOKEN_PATTERNS: Array<{ kind: string; pattern: RegExp }> = [
  {
    kind: 'private key block',
    pattern: /-----BEGIN (?:[A-Z0-9]{1,32} ){0,4}PRIVATE KEY(?: BLOCK)?-----/,
  },
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/ },
  { kind: 'GitHub token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/ },
  { kind: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10}/ },
  {
    kind: 'Slack webhook URL',
    pattern:
      /hooks\.slack\.com\/services\/T[A-Za-z0-9]{1,64}\/B[A-Za-z0-9]{1,64}\/[A-Za-z0-9]/,
  },
];

/** YAML keys whose literal value is a secret: `password`, `dbPassword`, `client_secret`… */
const SECRET_KEY_SUFFIXES = ['password', 'passwd', 'secret'];

/** Environment variable names whose literal `value` is a secret. */
const SECRET_ENV_NAME_PARTS = [
  'PASSWORD',
  'PASSWD',
  'SECRET',
  'TOKEN',
  'API_KEY',
  'APIKEY',
  'PRIVATE_KEY',
  'PRIVATEKEY',
];

function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SECRET_KEY_SUFFIXES.some(suffix => lower.endsWith(suffix));
}

function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_ENV_NAME_PARTS.some(part => upper.includes(part));
}

/**
 * Values that are not literals: environment substitution and references into
 * a secret store. Each is anchored and deterministic (linear); template
 * expressions are recognised by `isExpression`.
 */
const NOT_A_LITERAL = [
  /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/, // ${ENV_VAR} (Backstage config)
  /^\$\(?[A-Za-z_][A-Za-z0-9_]*\)?$/, // $ENV_VAR, $(ENV_VAR) (shell, Kubernetes)
  /^(?:vault:|ref\+|op:\/\/|arn:aws:(?:secretsmanager|ssm):|secretsmanager:|awssm:|gcpsm:|azkv:|keyvault:|sm:\/\/|projects\/[^/]+\/secrets\/)/i,
];

/** `${{ secrets.X }}` (GitHub Actions, Backstage templates) or `{{ .Values.x }}` (Helm). */
function isExpression(value: string): boolean {
  const open = value.indexOf('{{');
  return open !== -1 && value.indexOf('}}', open + 2) !== -1;
}

/** A plain YAML value that cannot be a secret (empty, null, boolean, alias). */
const NOT_A_SECRET = /^(?:|~|null|true|false|yes|no|on|off|""|''|\*\S+)$/i;

/** Whitespace as `\s` means it (String.prototype.trim removes the same set). */
function isSpace(char: string | undefined): boolean {
  return char !== undefined && char.trim() === '';
}

/** `[\w.-]`: a character of a plain YAML key as the rule reads it. */
function isKeyChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x5f || // _
    code === 0x2e || // .
    code === 0x2d // -
  );
}

/** A key or variable name as findings show it: never more than a line's worth. */
function shown(name: string): string {
  return name.length > 80 ? `${name.slice(0, 80)}…` : name;
}

/** The value of a `key: value` line without quotes or trailing comment. */
function unquote(raw: string): string {
  const value = raw.trim();
  if (value[0] === '"' || value[0] === "'") {
    const end = value.indexOf(value[0], 1);
    return end === -1 ? value.slice(1) : value.slice(1, end);
  }
  // An unquoted value ends at a comment: ` #` (a `#` after whitespace).
  for (let hash = value.indexOf('#'); hash !== -1; ) {
    if (isSpace(value[hash - 1])) {
      return value.slice(0, hash).trim();
    }
    hash = value.indexOf('#', hash + 1);
  }
  return value;
}

/** A literal secret value, or one too long to tell (reported rather than scanned). */
function literalKind(value: string): 'literal' | 'too long' | undefined {
  const trimmed = value.trim();
  if (trimmed.length > MAX_INSPECTED_VALUE) {
    return 'too long';
  }
  if (
    NOT_A_SECRET.test(trimmed) ||
    trimmed.startsWith('&') ||
    isExpression(trimmed) ||
    NOT_A_LITERAL.some(pattern => pattern.test(trimmed))
  ) {
    return undefined;
  }
  return 'literal';
}

/**
 * A `key: value` line of YAML (optionally a sequence item, optionally a
 * quoted key): the key, and the value when there is one. A plain scan, so
 * long lines cost their length and no more.
 */
export function parseKeyLine(
  text: string,
): { key: string; value?: string } | undefined {
  let i = 0;
  while (isSpace(text[i])) i++;
  if (text[i] === '-' && isSpace(text[i + 1])) {
    i++;
    while (isSpace(text[i])) i++;
  }
  if (text[i] === '"' || text[i] === "'") i++;
  const keyStart = i;
  while (i < text.length && isKeyChar(text.charCodeAt(i))) i++;
  if (i === keyStart) {
    return undefined;
  }
  const key = text.slice(keyStart, i);
  if (text[i] === '"' || text[i] === "'") i++;
  while (isSpace(text[i])) i++;
  if (text[i] !== ':') {
    return undefined;
  }
  i++;
  if (i === text.length) {
    return { key };
  }
  if (!isSpace(text[i])) {
    return undefined;
  }
  return { key, value: text.slice(i).trim() };
}

function secretValueKind(key: string, kind: 'literal' | 'too long'): string {
  return kind === 'literal'
    ? `literal ${key} value`
    : `${key} value too long to inspect, over ${MAX_INSPECTED_VALUE} characters`;
}

function finding(file: WorkspaceFile, line: number, kind: string): Finding {
  return {
    check: 'secrets',
    file: file.path,
    line,
    message: `contains a plaintext secret (${kind}) — remove it, rotate it, and reference it from a secret store or a \${{ secrets.* }} expression instead`,
  };
}

/** Literal `password:` / `secret:` values and `{ name: *_TOKEN, value: <literal> }` env entries. */
function checkYamlSecrets(file: WorkspaceFile, lines: string[]): Finding[] {
  const findings: Finding[] = [];
  lines.forEach((text, index) => {
    const line = parseKeyLine(text);
    if (line && line.value !== undefined && isSecretKey(line.key)) {
      const kind = literalKind(unquote(line.value));
      if (kind) {
        findings.push(
          finding(
            file,
            index + 1,
            secretValueKind(`'${shown(line.key)}'`, kind),
          ),
        );
      }
    }
  });

  const { parsed } = parseYamlFile(file, 'secrets');
  for (const doc of parsed?.documents ?? []) {
    visit(doc, {
      Map(_, map) {
        const name = map.get('name');
        const valueNode = map.get('value', true);
        if (
          typeof name === 'string' &&
          isSecretEnvName(name) &&
          isScalar(valueNode) &&
          typeof valueNode.value === 'string'
        ) {
          const kind = literalKind(valueNode.value);
          if (kind) {
            findings.push(
              finding(
                file,
                parsed!.lineOf(valueNode) ?? 1,
                kind === 'literal'
                  ? `literal value for environment variable '${shown(name)}'`
                  : `value for environment variable '${shown(
                      name,
                    )}' too long to inspect, over ${MAX_INSPECTED_VALUE} characters`,
              ),
            );
          }
        }
      },
    });
  }
  return findings;
}

/** The 1-based line of each offset, by binary search over the line starts. */
function lineLocator(content: string): (offset: number) => number {
  const starts = [0];
  for (
    let i = content.indexOf('\n');
    i !== -1;
    i = content.indexOf('\n', i + 1)
  ) {
    starts.push(i + 1);
  }
  return offset => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low + 1;
  };
}

/**
 * Token formats anywhere in the file: one pass of each pattern over the whole
 * content (none can span a line), one finding per line and kind.
 */
function checkTokens(file: WorkspaceFile): Finding[] {
  const lineOf = lineLocator(file.content);
  const found = new Map<number, Set<string>>();
  for (const { kind, pattern } of TOKEN_PATTERNS) {
    const global = new RegExp(pattern.source, 'g');
    for (const match of file.content.matchAll(global)) {
      const line = lineOf(match.index ?? 0);
      const kinds = found.get(line) ?? new Set<string>();
      kinds.add(kind);
      found.set(line, kinds);
    }
  }
  const order = TOKEN_PATTERNS.map(({ kind }) => kind);
  return [...found.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([line, kinds]) =>
      [...kinds]
        .sort((a, b) => order.indexOf(a) - order.indexOf(b))
        .map(kind => finding(file, line, kind)),
    );
}

/**
 * Plaintext secrets in any text file: private keys, AWS, GitHub and Slack
 * tokens; in YAML also literal password/secret values. Findings name the file,
 * line and kind, never the value. Linear in the files' size.
 */
export function checkSecrets(files: WorkspaceFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    findings.push(...checkTokens(file));
    if (isYamlFile(file.path)) {
      findings.push(...checkYamlSecrets(file, file.content.split(/\r?\n/)));
    }
  }
  return findings;
}
