import {
  APP_CONFIG,
  DEPLOYMENT,
  DEPLOY_WORKFLOW,
  fakeSecrets,
} from '../testUtils';
import { checkSecrets, MAX_INSPECTED_VALUE, parseKeyLine } from './secrets';
import { formatFinding } from './types';

function check(path: string, content: string): string[] {
  return checkSecrets([{ path, content }]).map(formatFinding);
}

describe('checkSecrets', () => {
  it('passes files that only reference secrets', () => {
    expect(check('k8s/base/deployment.yaml', DEPLOYMENT)).toEqual([]);
    expect(check('.github/workflows/deploy.yml', DEPLOY_WORKFLOW)).toEqual([]);
    expect(check('config/app.yaml', APP_CONFIG)).toEqual([]);
    expect(
      check(
        'config/refs.yaml',
        [
          'db:',
          '  password: ${{ secrets.DB_PASSWORD }}',
          '  adminPassword: vault:secret/data/payments#admin',
          '  client_secret: "ref+awssm://payments/client"',
          '  webhookSecret: $(WEBHOOK_SECRET)',
          '  password:',
          '    valueFrom: { secretKeyRef: { name: db, key: password } }',
          'secretName: payments-tls',
          'secrets: inherit',
          "password: ''",
          'requirePassword: true',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'src/github.ts',
      `const token = '${fakeSecrets.githubToken}';`,
      'GitHub token',
    ],
    ['src/github.ts', `token = "${fakeSecrets.githubPat}"`, 'GitHub token'],
    [
      'deploy.sh',
      `export AWS_ACCESS_KEY_ID=${fakeSecrets.awsAccessKeyId}`,
      'AWS access key id',
    ],
    ['notify.py', `SLACK = "${fakeSecrets.slackToken}"`, 'Slack token'],
    [
      'keys/deploy.pem',
      `${fakeSecrets.privateKeyHeader}\nMIIE...`,
      'private key block',
    ],
  ])('finds a %s secret of kind %#', (path, content, kind) => {
    const findings = check(path, `# header\n${content}\n`);
    expect(findings).toEqual([
      `${path}:2: contains a plaintext secret (${kind}) — remove it, rotate it, and reference it from a secret store or a \${{ secrets.* }} expression instead`,
    ]);
  });

  it('finds literal passwords and secrets in YAML without printing them', () => {
    const content = [
      'database:',
      `  password: ${fakeSecrets.password}`,
      `  client_secret: "${fakeSecrets.password}" # for now`,
      'env:',
      '  - name: API_TOKEN',
      `    value: ${fakeSecrets.password}`,
    ].join('\n');
    const findings = check('config/app.yaml', content);
    expect(findings).toEqual([
      expect.stringMatching(/^config\/app\.yaml:2: .*literal 'password' value/),
      expect.stringMatching(
        /^config\/app\.yaml:3: .*literal 'client_secret' value/,
      ),
      expect.stringMatching(
        /^config\/app\.yaml:6: .*literal value for environment variable 'API_TOKEN'/,
      ),
    ]);
    for (const finding of findings) {
      expect(finding).not.toContain(fakeSecrets.password);
    }
  });

  it('applies the password rule to YAML only', () => {
    expect(check('README.md', `password: ${fakeSecrets.password}`)).toEqual([]);
  });

  it('never prints a token value', () => {
    const findings = check('src/a.ts', fakeSecrets.githubToken);
    expect(findings).toHaveLength(1);
    expect(findings[0]).not.toContain(fakeSecrets.githubToken);
  });

  it('reports a secret value too long to inspect instead of scanning it', () => {
    const long = 'x'.repeat(MAX_INSPECTED_VALUE + 1);
    expect(
      check(
        'config/app.yaml',
        `password: ${long}\nenv:\n  - name: API_TOKEN\n    value: ${long}\n`,
      ),
    ).toEqual([
      expect.stringMatching(
        /^config\/app\.yaml:1: .*'password' value too long to inspect, over 4096 characters/,
      ),
      expect.stringMatching(
        /^config\/app\.yaml:4: .*value for environment variable 'API_TOKEN' too long to inspect/,
      ),
    ]);
  });

  it('reads key lines as before', () => {
    expect(parseKeyLine('  - "client_secret" : abc # note')).toEqual({
      key: 'client_secret',
      value: 'abc # note',
    });
    expect(parseKeyLine('password:')).toEqual({ key: 'password' });
    expect(parseKeyLine('password:abc')).toBeUndefined();
    expect(parseKeyLine('# password: abc')).toBeUndefined();
  });

  // Inputs that made the previous patterns backtrack quadratically (a
  // 40 KB line took seconds); 2 MB each must take well under a second.
  const SIZE = 2_000_000;
  it.each([
    ['spaces before a carriage return', `password:${' '.repeat(SIZE)}a\rb`],
    ['spaces without a comment', `password: a${' '.repeat(SIZE)}b`],
    ['unclosed expressions', `password: ${'${{'.repeat(SIZE / 3)}`],
    ['unclosed braces', `secret: x${'{{'.repeat(SIZE / 2)}`],
    [
      'an unclosed env value',
      `- name: API_TOKEN\n  value: "${'{{'.repeat(SIZE / 2)}"`,
    ],
    [
      'quotes, backslashes and equals signs',
      `password: ${'\'"\\='.repeat(SIZE / 4)}`,
    ],
    ['one long word', 'a'.repeat(SIZE)],
    ['token prefixes', `${'-ghp_'.repeat(SIZE / 5)}`],
    ['half private key headers', `${'-----BEGIN A '.repeat(SIZE / 13)}`],
  ])('checks a 2 MB file of %s in well under a second', (_, content) => {
    const start = Date.now();
    checkSecrets([{ path: 'config/hostile.yaml', content }]);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
