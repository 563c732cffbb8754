import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CATALOG_INFO,
  DEPLOYMENT,
  fakeSecrets,
} from '@paved/plugin-golden-path-node/testUtils';
import { assistantPlugin } from './plugin';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

/** The deployment with its container's resources removed. */
const withoutLimits = DEPLOYMENT.replace(
  /\n {10}resources:[\s\S]*?(?=\n {10}\w)/,
  '',
);

describe('POST /api/assistant/validate', () => {
  let post: (
    body: unknown,
    user?: string | null,
  ) => Promise<{ status: number; body: any }>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        assistantPlugin,
        catalogServiceMock.factory({ entities: [checkout] }),
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    stop = () => backend.stop();
    const { port } = backend.server.address() as AddressInfo;
    post = async (body, user = 'user:default/ada') => {
      const res = await fetch(
        `http://localhost:${port}/api/assistant/validate`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(user
              ? { authorization: mockCredentials.user.header(user) }
              : {}),
          },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        },
      );
      return { status: res.status, body: await res.json().catch(() => null) };
    };
  });
  afterAll(() => stop());

  it('passes a clean change', async () => {
    const res = await post({
      files: [
        { path: 'catalog-info.yaml', content: CATALOG_INFO },
        { path: 'k8s/base/deployment.yaml', content: DEPLOYMENT },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      passed: true,
      findings: [],
      checked: ['catalog-info.yaml', 'k8s/base/deployment.yaml'],
      addedLinesOnly: [],
    });
  });

  it('finds a leaked secret and a manifest without limits, never repeating the secret', async () => {
    expect(withoutLimits).not.toContain('limits');
    const res = await post({
      files: [
        { path: './k8s/base/deployment.yaml', content: withoutLimits },
        {
          path: 'src/config.ts',
          content: `export const token = '${fakeSecrets.githubToken}';\n`,
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.passed).toBe(false);
    const byCheck = (check: string) =>
      res.body.findings.filter((f: { check: string }) => f.check === check);
    expect(byCheck('kubernetes')).toEqual([
      expect.objectContaining({
        file: 'k8s/base/deployment.yaml',
        message: expect.stringMatching(/has no resources\.limits/),
      }),
      expect.objectContaining({
        file: 'k8s/base/deployment.yaml',
        message: expect.stringMatching(/has no resources\.requests/),
      }),
    ]);
    expect(byCheck('secrets')).toEqual([
      expect.objectContaining({ file: 'src/config.ts', line: 1 }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain(fakeSecrets.githubToken);
  });

  it('reads a unified diff: new files whole, modified files for secrets in their added lines', async () => {
    const added = DEPLOYMENT.split('\n').map(line => `+${line}`);
    const diff = [
      'diff --git a/k8s/base/deployment.yaml b/k8s/base/deployment.yaml',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/k8s/base/deployment.yaml',
      `@@ -0,0 +1,${added.length} @@`,
      ...added,
      'diff --git a/config/app.yaml b/config/app.yaml',
      '--- a/config/app.yaml',
      '+++ b/config/app.yaml',
      '@@ -3,2 +3,3 @@ database:',
      '   host: payments-db',
      `+  token: ${fakeSecrets.slackToken}`,
      '   password: ${DB_PASSWORD}',
      '',
    ].join('\n');
    const res = await post({ diff });
    expect(res.status).toBe(200);
    expect(res.body.checked).toEqual(['k8s/base/deployment.yaml']);
    expect(res.body.addedLinesOnly).toEqual(['config/app.yaml']);
    expect(res.body.findings).toEqual([
      expect.objectContaining({
        check: 'secrets',
        file: 'config/app.yaml',
        line: 4,
      }),
    ]);
  });

  it('looks the owner of a catalog-info.yaml up in the catalog', async () => {
    const res = await post({
      files: [
        {
          path: 'catalog-info.yaml',
          content: CATALOG_INFO.replace(
            /owner: .*/,
            'owner: group:default/nobody',
          ),
        },
      ],
    });
    expect(res.body.findings).toEqual([
      expect.objectContaining({
        check: 'catalog',
        message: expect.stringMatching(
          /'group:default\/nobody' does not exist/,
        ),
      }),
    ]);
  });

  it('refuses bad input with 400 saying what was wrong, and callers without credentials with 401', async () => {
    expect((await post({})).body.error.message).toMatch(
      /Send the change as files .* or as diff/,
    );
    const notADiff = await post({ diff: 'please check my change' });
    expect(notADiff.status).toBe(400);
    expect(notADiff.body.error.message).toMatch(/diff is not a unified diff/);
    const outside = await post({
      files: [{ path: '../../etc/passwd', content: 'x' }],
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toMatch(
      /not a path inside the repository/,
    );
    const tooMany = await post({
      files: Array.from({ length: 201 }, (_, i) => ({
        path: `f${i}.txt`,
        content: '',
      })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/files/);
    expect((await post({ files: [] }, null)).status).toBe(401);
    const tooLarge = await post({
      files: [{ path: 'big.txt', content: 'x'.repeat(5 * 1024 * 1024) }],
    });
    // The body is not read past 4 MiB.
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.error.message).toMatch(/too large/);
  });
});
