import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import goldenPath from './index';

/** Stand-ins for the scaffolder and catalog plugins that record what modules register. */
function recordingPlugins() {
  const actions: TemplateAction<any, any, any>[] = [];
  const allowedLocationTypes: string[][] = [];
  const scaffolder = createBackendPlugin({
    pluginId: 'scaffolder',
    register(env) {
      env.registerExtensionPoint(scaffolderActionsExtensionPoint, {
        addActions: (...added) => actions.push(...added),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  const catalog = createBackendPlugin({
    pluginId: 'catalog',
    register(env) {
      env.registerExtensionPoint(catalogLocationsExtensionPoint, {
        setAllowedLocationTypes: types => allowedLocationTypes.push(types),
      });
      env.registerExtensionPoint(catalogProcessingExtensionPoint, {
        addProcessor: () => {},
        addEntityProvider: () => {},
        addPlaceholderResolver: () => {},
        setOnProcessingErrorHandler: () => {},
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  return { actions, allowedLocationTypes, plugins: [scaffolder, catalog] };
}

async function start(publish: JsonObject) {
  const { actions, allowedLocationTypes, plugins } = recordingPlugins();
  const backend = await startTestBackend({
    features: [
      ...plugins,
      goldenPath,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({
        data: { paved: { goldenPath: { publish } } },
      }),
    ],
  });
  await backend.stop();
  return { actionIds: actions.map(a => a.id), allowedLocationTypes };
}

describe('the golden-path backend feature', () => {
  it('adds the actions and lets the catalog register file locations for the local target', async () => {
    const { actionIds, allowedLocationTypes } = await start({
      target: 'local',
      local: { directory: '/tmp/paved-test-repositories' },
    });
    expect(actionIds).toEqual([
      'goldenpath:validate',
      'goldenpath:publish',
      'goldenpath:register',
      'goldenpath:upgrade',
    ]);
    expect(allowedLocationTypes).toEqual([['url', 'file']]);
  });

  it('leaves the catalog to url locations for the github target', async () => {
    const { actionIds, allowedLocationTypes } = await start({
      target: 'github',
      github: { owner: 'fernhill' },
    });
    expect(actionIds).toHaveLength(4);
    expect(allowedLocationTypes).toEqual([]);
  });

  it('refuses to start with an unknown target', async () => {
    await expect(start({ target: 'gitlab' })).rejects.toThrow(
      /Invalid paved.goldenPath.publish.target 'gitlab'/,
    );
  });

  it('refuses to start the github target without an owner', async () => {
    await expect(start({ target: 'github' })).rejects.toThrow(
      /paved\.goldenPath\.publish\.github\.owner/,
    );
  });

  it("lists the upgrade permission in the scaffolder's permission metadata", async () => {
    const { plugins } = recordingPlugins();
    const backend = await startTestBackend({
      features: [
        ...plugins,
        goldenPath,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { paved: { goldenPath: { publish: { target: 'local' } } } },
        }),
      ],
    });
    try {
      const response = await request(backend.server).get(
        '/api/scaffolder/.well-known/backstage/permissions/metadata',
      );
      expect(response.status).toBe(200);
      expect(response.body.permissions).toContainEqual({
        type: 'resource',
        name: 'golden-path.upgrade.create',
        attributes: { action: 'create' },
        resourceType: 'catalog-entity',
      });
    } finally {
      await backend.stop();
    }
  });
});
