import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { CATALOG_INFO } from './__testUtils__/fixtures';
import goldenPath from './index';

/*
 * goldenpath:register against the real catalog backend, over HTTP: the
 * catalog must accept `file` locations (the package's catalog module), and a
 * second registration arrives as a 409 response that the action absorbs.
 */
// Real git (and, for registration, a real catalog): seconds on a busy machine.
jest.setTimeout(60_000);

describe('goldenpath:register with the real catalog', () => {
  const root = createMockDirectory();

  it('registers a locally published repository once, and again without error', async () => {
    root.setContent({ 'repos/payments-api/catalog-info.yaml': CATALOG_INFO });
    const actions: TemplateAction<any, any, any>[] = [];
    const scaffolder = createBackendPlugin({
      pluginId: 'scaffolder',
      register(env) {
        env.registerExtensionPoint(scaffolderActionsExtensionPoint, {
          addActions: (...added) => actions.push(...added),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        scaffolder,
        goldenPath,
        mockServices.rootConfig.factory({
          data: {
            paved: {
              goldenPath: {
                publish: {
                  target: 'local',
                  local: { directory: root.resolve('repos') },
                },
              },
            },
            catalog: { processingInterval: false },
          },
        }),
      ],
    });
    try {
      const register = actions.find(a => a.id === 'goldenpath:register')!;
      const run = async () => {
        const ctx = createMockActionContext({
          input: {
            catalogInfoUrl: pathToFileURL(
              join(root.resolve('repos'), 'payments-api', 'catalog-info.yaml'),
            ).href,
          },
        });
        await register.handler(ctx);
        return ctx.output;
      };
      expect(await run()).toHaveBeenCalledWith(
        'entityRef',
        'component:default/payments-api',
      );
      expect(await run()).toHaveBeenCalledWith(
        'entityRef',
        'component:default/payments-api',
      );

      const response = await fetch(
        `http://localhost:${backend.server.port()}/api/catalog/locations`,
        { headers: { Authorization: mockCredentials.user.header() } },
      );
      const locations = (await response.json()) as Array<{
        data: { type: string; target: string };
      }>;
      expect(
        locations.filter(l => l.data.target.endsWith('catalog-info.yaml')),
      ).toEqual([
        {
          data: expect.objectContaining({
            type: 'file',
            target: join(
              root.resolve('repos'),
              'payments-api',
              'catalog-info.yaml',
            ),
          }),
        },
      ]);
    } finally {
      await backend.stop();
    }
  });
});
