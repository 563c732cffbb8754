import { symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import { CATALOG_INFO } from './__testUtils__/fixtures';
import goldenPath from './index';

/*
 * POST /api/catalog/locations on the real catalog backend with this
 * package: file locations only inside the local repository directory.
 */
jest.setTimeout(60_000);

describe('file locations through the catalog API', () => {
  const root = createMockDirectory();
  const directory = root.resolve('repos');
  const inside = join(directory, 'payments-api', 'catalog-info.yaml');

  beforeEach(() => {
    root.clear();
    root.setContent({
      'repos/payments-api/catalog-info.yaml': CATALOG_INFO,
      'outside/catalog-info.yaml': CATALOG_INFO.replace(
        'payments-api',
        'outside-api',
      ),
      'app-config.yaml': 'backend:\n  database:\n    password: hunter2\n',
      // A repository whose catalog-info.yaml points out of the directory.
      'repos/nested/catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Location',
        'metadata: { name: nested }',
        'spec:',
        '  targets: [../../outside/catalog-info.yaml]',
      ].join('\n'),
      'repos/nested-ok/catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Location',
        'metadata: { name: nested-ok }',
        'spec:',
        '  targets: [../payments-api/catalog-info.yaml]',
      ].join('\n'),
    });
    // A link inside the directory to a repository outside it.
    symlinkSync(root.resolve('outside'), join(directory, 'linked'));
  });

  async function startCatalog() {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        goldenPath,
        mockServices.rootConfig.factory({
          data: {
            paved: {
              goldenPath: {
                publish: { target: 'local', local: { directory } },
              },
            },
            catalog: { processingInterval: false },
          },
        }),
      ],
    });
    const register = (target: string, dryRun = false) =>
      request(backend.server)
        .post(`/api/catalog/locations${dryRun ? '?dryRun=true' : ''}`)
        .set('Authorization', mockCredentials.user.header())
        .send({ type: 'file', target });
    const stored = async () =>
      (
        await request(backend.server)
          .get('/api/catalog/locations')
          .set('Authorization', mockCredentials.user.header())
      ).body.map((l: { data: { target: string } }) => l.data.target);
    return { backend, register, stored };
  }

  it.each([
    ['a system file', '/etc/passwd', 'it is outside'],
    [
      'a path climbing out of the directory',
      `${directory}/../app-config.yaml`,
      'it is outside',
    ],
    [
      'a path relative to the backend',
      () => relative(process.cwd(), root.resolve('app-config.yaml')),
      'it is outside',
    ],
    [
      'a symbolic link out of the directory',
      `${directory}/linked/catalog-info.yaml`,
      'it leads outside through a symbolic link',
    ],
    ['a glob', `${directory}/*/catalog-info.yaml`, 'globs are not allowed'],
  ])('refuses %s with a 400, stored or dry run', async (_, target, why) => {
    const path = typeof target === 'function' ? target() : target;
    const { backend, register, stored } = await startCatalog();
    try {
      for (const dryRun of [false, true]) {
        const response = await register(path, dryRun);
        expect(response.status).toBe(400);
        expect(response.body.error.name).toBe('InputError');
        expect(response.body.error.message).toBe(
          `Refused file location '${path}': ${why}; registered file locations must be files inside the golden-path repository directory ${directory}`,
        );
      }
      expect(await stored()).not.toContain(path);
    } finally {
      await backend.stop();
    }
  });

  it('accepts a file inside the directory', async () => {
    const { backend, register, stored } = await startCatalog();
    try {
      const dryRun = await register(inside, true);
      expect(dryRun.status).toBe(201);
      expect(
        dryRun.body.entities.map(
          (e: { metadata: { name: string } }) => e.metadata.name,
        ),
      ).toContain('payments-api');

      const response = await register(inside);
      expect(response.status).toBe(201);
      expect(await stored()).toContain(inside);
    } finally {
      await backend.stop();
    }
  });

  it('is not installed in production: the catalog refuses every file location', async () => {
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    let started;
    try {
      started = await startCatalog();
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    try {
      const response = await started.register(inside);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(
        /Registered locations must be of an allowed type \["url"\]/,
      );
    } finally {
      await started.backend.stop();
    }
  });

  it('refuses a nested Location that points out of the directory, and follows one that stays inside', async () => {
    const { backend, register } = await startCatalog();
    try {
      const escaping = await register(
        join(directory, 'nested', 'catalog-info.yaml'),
        true,
      );
      expect(escaping.status).toBe(400);
      expect(escaping.body.error.message).toContain(
        `Refused file location '${join(
          directory,
          'nested',
          '../../outside/catalog-info.yaml',
        )}': it is outside`,
      );

      const staying = await register(
        join(directory, 'nested-ok', 'catalog-info.yaml'),
        true,
      );
      expect(staying.status).toBe(201);
      expect(
        staying.body.entities.map(
          (e: { metadata: { name: string } }) => e.metadata.name,
        ),
      ).toContain('payments-api');
    } finally {
      await backend.stop();
    }
  });
});
