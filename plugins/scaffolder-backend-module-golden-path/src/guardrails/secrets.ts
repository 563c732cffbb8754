import { isScalar, visit } from 'yaml';
import { Finding, WorkspaceFile } from './types';
import { isYamlFile, parseYamlFile } from './yaml';

/** Token formats that are secrets wherever they appear. */
const TOKEN_PATTERNS: Array<{ kind: string; pattern: RegExp }> = [
  {
    kind: 'private key block',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
  },
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { kind: 'GitHub token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/ },
  { kind: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  {
    kind: 'Slack webhook URL',
    pattern:
      /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/,
  },
];

/** YAML keys whose literal value is a secret: `password`, `dbPassword`, `client_secret`… */
const SECRET_KEY = /(?:password|passwd|secret)$/i;

/** Environment variable names whose literal `value` is a secret. */
const SECRET_ENV_NAME =
  /(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY)/i;

/**
 * Values that are not literals: template or CI expressions, environment
 * substitution, and references into a secret store.
 */
const NOT_A_LITERAL = [
  /\$\{\{.*\}\}/, // ${{ secrets.X }} (GitHub Actions, Backstage templates)
  /\{\{.*\}\}/, // {{ .Values.x }} (Helm)
  /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/, // ${ENV_VAR} (Backstage config)
  /^\$\(?[A-Za-z_][A-Za-z0-9_]*\)?$/, // $ENV_VAR, $(ENV_VAR) (shell, Kubernetes)
  /^(?:vault:|ref\+|op:\/\/|arn:aws:(?:secretsmanager|ssm):|secretsmanager:|awssm:|gcpsm:|azkv:|keyvault:|sm:\/\/|projects\/[^/]+\/secrets\/)/i,
];

/** A plain YAML value that cannot be a secret (empty, null, boolean, alias). */
const NOT_A_SECRET = /^(?:|~|null|true|false|yes|no|on|off|""|''|\*\S+)$/i;

/** The value of a `key: value` line without quotes or trailing comment. */
function unquote(raw: string): string {
  const value = raw.trim();
  if (/^["']/.test(value)) {
    const end = value.indexOf(value[0], 1);
    return end === -1 ? value.slice(1) : value.slice(1, end);
  }
  // An unquoted value ends at a comment.
  return value.replace(/\s+#.*$/, '').trim();
}

function isLiteral(value: string): boolean {
  const trimmed = value.trim();
  if (NOT_A_SECRET.test(trimmed) || trimmed.startsWith('&')) {
    return false;
  }
  return !NOT_A_LITERAL.some(pattern => pattern.test(trimmed));
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
    const match = /^\s*(?:-\s+)?["']?([\w.-]+)["']?\s*:(?:\s+(.*))?$/.exec(
      text,
    );
    if (match && SECRET_KEY.test(match[1]) && match[2] !== undefined) {
      if (isLiteral(unquote(match[2]))) {
        findings.push(finding(file, index + 1, `literal '${match[1]}' value`));
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
          SECRET_ENV_NAME.test(name) &&
          isScalar(valueNode) &&
          typeof valueNode.value === 'string' &&
          isLiteral(valueNode.value)
        ) {
          findings.push(
            finding(
              file,
              parsed!.lineOf(valueNode) ?? 1,
              `literal value for environment variable '${name}'`,
            ),
          );
        }
      },
    });
  }
  return findings;
}

/**
 * Plaintext secrets in any text file: private keys, AWS, GitHub and Slack
 * tokens; in YAML also literal password/secret values. Findings name the file,
 * line and kind, never the value.
 */
export function checkSecrets(files: WorkspaceFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const lines = file.content.split(/\r?\n/);
    lines.forEach((text, index) => {
      const kinds = new Set(
        TOKEN_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(
          ({ kind }) => kind,
        ),
      );
      for (const kind of kinds) {
        findings.push(finding(file, index + 1, kind));
      }
    });
    if (isYamlFile(file.path)) {
      findings.push(...checkYamlSecrets(file, lines));
    }
  }
  return findings;
}
