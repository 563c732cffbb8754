import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  checkoutGroup,
  cleanWorkspace,
  DEPLOYMENT,
  fakeSecrets,
} from '../__testUtils__/fixtures';
import { createGoldenPathValidateAction } from './validate';

describe('goldenpath:validate', () => {
  const workspace = createMockDirectory();
  const action = createGoldenPathValidateAction({
    catalog: catalogServiceMock({ entities: [checkoutGroup] }),
  });

  function context(input: Record<string, string> = {}) {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input,
      logger,
    });
    return { ctx, logger };
  }

  beforeEach(() => workspace.clear());

  it('supports dry runs', () => {
    expect(action.supportsDryRun).toBe(true);
  });

  it('passes a clean workspace and outputs no findings', async () => {
    workspace.setContent(cleanWorkspace());
    const { ctx, logger } = context();
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('findings', []);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('fails with every finding listed, and logs each one', async () => {
    workspace.setContent({
      ...cleanWorkspace(),
      'catalog-info.yaml': cleanWorkspace()
        ['catalog-info.yaml'].replace(
          'group:default/checkout',
          'group:default/nobody',
        )
        .replace(/\n {4}paved\.dev.*/, ''),
      'k8s/base/deployment.yaml': DEPLOYMENT.replace(
        /\n {12}limits:\n.*\n.*/,
        '',
      ),
      'config/app.yaml': `database:\n  password: ${fakeSecrets.password}\n`,
      '.github/workflows/deploy.yml': 'on: push\njobs: {}\n',
    });
    const { ctx, logger } = context();

    const error = await action.handler(ctx).then(
      () => undefined,
      e => e,
    );
    expect(error?.name).toBe('InputError');
    const expected = [
      ".github/workflows: has no workflow that posts to the portal's DORA event API",
      "catalog-info.yaml:1: Component 'payments-api' has no 'paved.dev/template-version' annotation",
      "catalog-info.yaml:13: spec.owner 'group:default/nobody' does not exist in the catalog",
      "config/app.yaml:2: contains a plaintext secret (literal 'password' value)",
      "k8s/base/deployment.yaml:21: container 'app' in Deployment 'payments-api' has no resources.limits — set cpu and memory limits",
    ];
    expect(error.message).toMatch(
      /^Golden-path guardrails failed with 5 findings:\n/,
    );
    for (const line of expected) {
      expect(error.message).toContain(`- ${line}`);
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining(line));
    }
    expect(error.message).not.toContain(fakeSecrets.password);
  });

  it('checks a sub-directory of the workspace', async () => {
    workspace.setContent({
      service: cleanWorkspace(),
      'stray.pem': `${fakeSecrets.privateKeyHeader}\n`,
    });
    const { ctx } = context({ path: 'service' });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('findings', []);
  });

  it.each(['../outside', '/etc', 'missing'])(
    'rejects the path %s with an input error',
    async path => {
      workspace.setContent(cleanWorkspace());
      const { ctx } = context({ path });
      await expect(action.handler(ctx)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(`path '${path}'`),
      });
    },
  );

  it('rejects input of the wrong type', async () => {
    workspace.setContent(cleanWorkspace());
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { path: 42 } as any, // deliberately of the wrong type
    });
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'Invalid input to goldenpath:validate: path:',
      ),
    });
  });

  it('validates a hostile 2 MB file in well under a second', async () => {
    workspace.setContent({
      ...cleanWorkspace(),
      // Made the previous secret-value pattern backtrack quadratically.
      'config/hostile.yaml': `password:${' '.repeat(2_000_000)}a\rb`,
    });
    const { ctx } = context();

    const start = Date.now();
    const error = await action.handler(ctx).catch(e => e);

    expect(Date.now() - start).toBeLessThan(1000);
    expect(error.name).toBe('InputError');
    expect(error.message).toContain(
      'config/hostile.yaml: is too large to check as YAML (2000012 characters, the limit is 65536) — split it into smaller files',
    );
    expect(error.message).toContain(
      "config/hostile.yaml:1: contains a plaintext secret (literal 'password' value)",
    );
  });

  it('parses a hostile YAML file under the size limit quickly', async () => {
    workspace.setContent({
      ...cleanWorkspace(),
      // Thousands of parse errors on one line.
      'config/anchors.yaml': `a: ${'&a '.repeat(20_000)}`,
    });
    const { ctx } = context();

    const start = Date.now();
    const error = await action.handler(ctx).catch(e => e);

    expect(Date.now() - start).toBeLessThan(1000);
    expect(error.message).toMatch(
      /config\/anchors\.yaml:1: is not valid YAML \(.* at line 1, column \d+\)/,
    );
  });
});
