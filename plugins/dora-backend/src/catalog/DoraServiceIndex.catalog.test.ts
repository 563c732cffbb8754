import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { DoraServiceIndex } from './DoraServiceIndex';

jest.setTimeout(120_000);

const component = (name: string, annotations: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  });

/**
 * Through the real catalog backend over HTTP: the bounded query that maps a
 * batch's service names to components must be one the catalog accepts and
 * answers as the in-memory catalog does.
 */
describe('DoraServiceIndex against the real catalog', () => {
  it('resolves names, aliases, project slugs and entity refs, and leaves conflicts unattributed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-dora-index-'));
    const file = path.join(dir, 'catalog.yaml');
    fs.writeFileSync(
      file,
      [
        component('checkout'),
        component('payments-api', { 'paved.dev/dora-service': 'payments' }),
        component('ledger', {
          'github.com/project-slug': 'Fernhill/Ledger',
        }),
        component('search-a', { 'paved.dev/dora-service': 'search' }),
        component('search-b', { 'paved.dev/dora-service': 'search' }),
      ].join('\n---\n'),
    );

    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(env) {
        env.registerInit({
          deps: {
            catalog: catalogServiceRef,
            auth: coreServices.auth,
            httpRouter: coreServices.httpRouter,
          },
          async init({ catalog, auth, httpRouter }) {
            const index = DoraServiceIndex.create({ catalog, auth });
            const router = express.Router();
            router.get('/resolve', async (req, res, next) => {
              try {
                const names = String(req.query.names).split(',');
                res.json(
                  Object.fromEntries(await index.resolveServices(names)),
                );
              } catch (error) {
                next(error);
              }
            });
            httpRouter.use(router);
          },
        });
      },
    });

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        probe,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Component', 'Location'] }],
              locations: [{ type: 'file', target: file }],
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const get = (url: string) =>
      fetch(`http://localhost:${port}/api${url}`, {
        headers: { authorization: mockCredentials.user.header() },
      });
    try {
      for (let waited = 0; ; waited += 500) {
        const res = await get(
          '/catalog/entities/by-query?filter=kind=component&limit=1',
        );
        if ((await res.json()).totalItems === 5) break;
        if (waited > 90_000) throw new Error('the catalog did not load');
        await new Promise(resolve => setTimeout(resolve, 500));
      }
      const res = await get(
        `/probe/resolve?names=${encodeURIComponent(
          'checkout,payments,fernhill/ledger,component:default/payments-api,component:default/nothing,search,unknown',
        )}`,
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        checkout: 'component:default/checkout',
        payments: 'component:default/payments-api',
        'fernhill/ledger': 'component:default/ledger',
        'component:default/payments-api': 'component:default/payments-api',
        'component:default/nothing': null,
        search: null,
        unknown: null,
      });
    } finally {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
