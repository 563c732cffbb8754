import { createMockDirectory } from '@backstage/backend-test-utils';
import { cleanWorkspace, DEPLOYMENT, fakeSecrets } from '../testUtils';
import { runGuardrailsCli } from './cli';

describe('the guardrails command line', () => {
  const root = createMockDirectory();

  async function run(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runGuardrailsCli(args, {
      out: line => out.push(line),
      err: line => err.push(line),
    });
    return { code, out, err };
  }

  it('passes a clean workspace', async () => {
    root.setContent(cleanWorkspace());
    const { code, out } = await run(root.path);
    expect(code).toBe(0);
    expect(out).toEqual([
      `golden-path guardrails (kubernetes, catalog, secrets, workflows): 0 findings in 7 files of ${root.path}`,
    ]);
  });

  it('fails with every finding of a broken workspace, one line each', async () => {
    root.setContent({
      ...cleanWorkspace(),
      'k8s/base/deployment.yaml': DEPLOYMENT.replace(
        'payments-api:1.0.0',
        'payments-api:latest',
      ),
      'config/app.yaml': `token: ${fakeSecrets.githubToken}\n`,
    });
    const { code, out } = await run(root.path);
    expect(code).toBe(1);
    expect(out).toEqual([
      'secrets: config/app.yaml:1: contains a plaintext secret (GitHub token) — remove it, rotate it, and reference it from a secret store or a ${{ secrets.* }} expression instead',
      "kubernetes: k8s/base/deployment.yaml:21: container 'app' in Deployment 'payments-api' uses image 'ghcr.io/fernhill/payments-api:latest' with the :latest tag — pin a version tag or digest",
      `golden-path guardrails (kubernetes, catalog, secrets, workflows): 2 findings in 7 files of ${root.path}`,
    ]);
  });

  it('keeps only the named checks, for manifests without the rest of a repository', async () => {
    root.setContent({
      'production.yaml': DEPLOYMENT.replace(/ {10}readinessProbe:\n.*\n/, ''),
    });
    const { code, out } = await run(root.path, '--check', 'kubernetes');
    expect(code).toBe(1);
    expect(out).toEqual([
      "kubernetes: production.yaml:21: container 'app' in Deployment 'payments-api' has no readinessProbe — add one so traffic only reaches ready pods",
      `golden-path guardrails (kubernetes): 1 finding in 1 files of ${root.path}`,
    ]);
  });

  it('refuses unknown checks, options and anything but one directory', async () => {
    root.setContent({});
    await expect(run(root.path, '--check', 'style')).resolves.toMatchObject({
      code: 2,
      err: [expect.stringContaining("unknown check 'style'")],
    });
    await expect(run(root.path, '--fix')).resolves.toMatchObject({
      code: 2,
      err: [expect.stringContaining("unknown option '--fix'")],
    });
    await expect(run()).resolves.toMatchObject({ code: 2 });
    await expect(run(root.resolve('missing'))).resolves.toMatchObject({
      code: 2,
      err: [expect.stringContaining('is not a directory')],
    });
  });
});
