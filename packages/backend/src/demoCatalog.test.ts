import path from 'node:path';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';

jest.setTimeout(120_000);

const demoOrganisation = path.resolve(__dirname, '../../../catalog/all.yaml');

/**
 * The real catalog backend ingesting the Fernhill demo organisation, on
 * SQLite (the local default) and PostgreSQL (production).
 */
describe('the demo organisation in the catalog', () => {
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())(
    'loads every team, user, system, component, API and resource on %s',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: [
          catalogPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              catalog: {
                rules: [
                  {
                    allow: [
                      'Component',
                      'System',
                      'API',
                      'Resource',
                      'Location',
                      'Group',
                      'User',
                    ],
                  },
                ],
                locations: [{ type: 'file', target: demoOrganisation }],
              },
            },
          }),
        ],
      });
      const { port } = backend.server.address() as AddressInfo;
      const get = async (url: string) => {
        const res = await fetch(`http://localhost:${port}/api/catalog${url}`, {
          headers: { authorization: mockCredentials.user.header() },
        });
        expect(res.status).toBe(200);
        return res.json();
      };

      try {
        const expected = {
          API: 7,
          Component: 20,
          Group: 11,
          Resource: 10,
          System: 5,
          User: 27,
        };
        const kindCounts = async (): Promise<Record<string, number>> => {
          const { facets } = await get('/entity-facets?facet=kind');
          return Object.fromEntries(
            facets.kind.map((f: { value: string; count: number }) => [
              f.value,
              f.count,
            ]),
          );
        };
        const isComplete = (counts: Record<string, number>) =>
          Object.entries(expected).every(([kind, n]) => counts[kind] === n);
        let counts = await kindCounts();
        for (let i = 0; i < 100 && !isComplete(counts); i++) {
          await new Promise(r => setTimeout(r, 500));
          counts = await kindCounts();
        }
        expect(counts).toMatchObject(expected);

        // Relations resolve: the checkout team owns checkout-service, which
        // provides checkout-api and depends on the payments gateway.
        const service = await get(
          '/entities/by-name/component/default/checkout-service',
        );
        const relations = service.relations.map(
          (r: { type: string; targetRef: string }) =>
            `${r.type} ${r.targetRef}`,
        );
        expect(relations).toEqual(
          expect.arrayContaining([
            'ownedBy group:default/checkout',
            'providesApi api:default/checkout-api',
            'dependsOn component:default/payments-gateway',
            'partOf system:default/checkout-and-payments',
          ]),
        );
        expect(service.status?.items ?? []).toEqual([]);
      } finally {
        await backend.stop();
      }
    },
  );
});
