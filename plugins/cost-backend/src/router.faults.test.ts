import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { costPlugin } from './plugin';

jest.setTimeout(60_000);

/*
 * A request whose database connection is lost mid-way: a 503 with a retry
 * hint and no SQL, after which the same request succeeds.
 */

const databases = TestDatabases.create();
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));
const describeOnPostgres = postgres.length > 0 ? describe : describe.skip;

describeOnPostgres('cost when its database connection is lost', () => {
  it('answers 503 with Retry-After and no SQL, and the retry succeeds', async () => {
    const knex = await databases.init(postgres[0][0]);
    const backend = await startTestBackend({
      features: [
        costPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: { cost: { currency: 'EUR' } },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const sources = async () => {
      const res = await fetch(`http://localhost:${port}/api/cost/sources`, {
        headers: { authorization: mockCredentials.user.header() },
      });
      return {
        status: res.status,
        headers: res.headers,
        text: await res.text(),
      };
    };
    try {
      // Hold the read on a lock, then end its connection mid-request.
      const admin = await knex.transaction();
      let lost: Awaited<ReturnType<typeof sources>>;
      try {
        await admin.raw('lock table cost_source_days in access exclusive mode');
        const reading = sources();
        for (let tries = 0; tries < 200; tries++) {
          // A transaction sees one snapshot of the statistics unless cleared.
          await admin.raw('select pg_stat_clear_snapshot()');
          const { rows: waiting } = await admin.raw(
            `select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`,
          );
          if (waiting[0].n > 0) break;
          await new Promise(resolve => setTimeout(resolve, 25));
        }
        await admin.raw(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()`,
        );
        lost = await reading;
      } finally {
        await admin.rollback();
      }

      expect(lost.status).toBe(503);
      expect(lost.headers.get('retry-after')).toBe('5');
      expect(JSON.parse(lost.text).error).toEqual({
        name: 'ServiceUnavailableError',
        message:
          'The service is unavailable because its database connection was lost or could not be opened; retry in 5 seconds',
      });
      expect(lost.text).not.toMatch(/select|cost_|terminat/i);

      let retried = await sources();
      const deadline = Date.now() + 5_000;
      while (retried.status === 503 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 100));
        retried = await sources();
      }
      expect(retried.status).toBe(200);
      expect(JSON.parse(retried.text)).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
