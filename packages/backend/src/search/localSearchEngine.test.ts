import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { Readable } from 'node:stream';
import request from 'supertest';
import searchPlugin from '@backstage/plugin-search-backend';
import localSearchEngine from './localSearchEngine';

/*
 * The local default's search: a search limited to a kind of document that
 * has nothing indexed yet (TechDocs before any docs were built) answers
 * with no results instead of a 500, and documents of the kinds that are
 * indexed are still found.
 */

/** What the collators of the local default find: catalog entities, no docs yet. */
const collators = createBackendModule({
  pluginId: 'search',
  moduleId: 'test-collators',
  register(env) {
    env.registerInit({
      deps: { indexRegistry: searchIndexRegistryExtensionPoint },
      async init({ indexRegistry }) {
        const documents = {
          'software-catalog': [
            {
              title: 'Search Service',
              text: 'Typo-tolerant product search',
              location: '/catalog/default/component/search-service',
            },
          ],
          techdocs: [],
        };
        for (const [type, found] of Object.entries(documents)) {
          indexRegistry.addCollator({
            schedule: {
              run: async ({ fn }) => {
                await fn(new AbortController().signal);
              },
            },
            factory: { type, getCollator: async () => Readable.from(found) },
          });
        }
      },
    });
  },
});

async function startSearch() {
  const { server } = await startTestBackend({
    features: [
      searchPlugin,
      localSearchEngine,
      collators,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
        },
      }),
    ],
  });
  return server;
}

async function query(
  server: Awaited<ReturnType<typeof startSearch>>,
  qs: string,
) {
  return request(server)
    .get(`/api/search/query?${qs}`)
    .set('Authorization', mockCredentials.user.header());
}

describe('the local search engine', () => {
  it('answers a search for TechDocs with no results while none are indexed', async () => {
    const server = await startSearch();
    const response = await query(server, 'term=runbook&types%5B0%5D=techdocs');
    expect(response.status).toBe(200);
    expect(response.body.results).toEqual([]);
  });

  it('still finds what is indexed', async () => {
    const server = await startSearch();
    let found: unknown[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      const response = await query(
        server,
        'term=typo&types%5B0%5D=software-catalog',
      );
      expect(response.status).toBe(200);
      found = response.body.results;
      if (found.length === 0) await new Promise(r => setTimeout(r, 100));
    }
    expect(found).toEqual([
      expect.objectContaining({
        type: 'software-catalog',
        document: expect.objectContaining({ title: 'Search Service' }),
      }),
    ]);
  });
});
