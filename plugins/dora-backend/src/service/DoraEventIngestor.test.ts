import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseDoraStore } from '../database/DatabaseDoraStore';
import { DoraEventIngestor } from './DoraEventIngestor';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('DoraEventIngestor batches at once', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  /**
   * An ingestor on a real store whose writes take a moment, counting how
   * many batches it stores at once.
   */
  async function ingestor() {
    const store = await DatabaseDoraStore.create({
      database: mockServices.database({
        knex: await databases.init('SQLITE_3'),
      }),
    });
    const storing = { now: 0, most: 0, events: 0, mostEvents: 0 };
    const write = store.ingestSources.bind(store);
    Object.assign(store, {
      ingestSources: async (batches: Parameters<typeof write>[0]) => {
        const events = batches.reduce((n, b) => n + b.events.length, 0);
        storing.now += 1;
        storing.events += events;
        storing.most = Math.max(storing.most, storing.now);
        storing.mostEvents = Math.max(storing.mostEvents, storing.events);
        try {
          await sleep(50);
          return await write(batches);
        } finally {
          storing.now -= 1;
          storing.events -= events;
        }
      },
    });
    return {
      storing,
      ingestor: DoraEventIngestor.create({
        store,
        catalog: catalogServiceMock(),
        auth: mockServices.auth(),
      }),
    };
  }

  /** A pipeline's batch of `size` deployments. */
  const batch = (name: string, size: number) =>
    Array.from({ length: size }, (_, i) => ({
      type: 'deployment',
      id: `${name}-${i}`,
      service: name,
      environment: 'production',
      status: 'success',
      startedAt: '2026-10-02T09:00:00Z',
      finishedAt: '2026-10-02T10:00:00Z',
      commitSha: `abc${i}`,
    }));

  it("stores CI's small batches four at a time, and every one of them", async () => {
    const { ingestor: dora, storing } = await ingestor();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        dora.ingestFromCaller('service:ci', batch(`team-${i}`, 40)),
      ),
    );
    expect(results.map(r => r.accepted)).toEqual(Array(10).fill(40));
    expect(storing.most).toBe(4);
  });

  it("stores a backfill's large batches two at a time, and one of over a thousand events alone", async () => {
    const { ingestor: dora, storing } = await ingestor();
    const large = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        dora.ingestFromCaller(
          'service:backfill',
          batch(`department-${i}`, 450),
        ),
      ),
    );
    expect(large.map(r => r.accepted)).toEqual(Array(5).fill(450));
    expect(storing.most).toBe(2);
    expect(storing.mostEvents).toBe(900);

    storing.most = 0;
    storing.mostEvents = 0;
    const [whole, ...small] = await Promise.all([
      dora.ingestFromCaller('service:backfill', batch('organisation', 1_000)),
      dora.ingestFromCaller('service:ci', batch('team-a', 10)),
      dora.ingestFromCaller('service:ci', batch('team-b', 10)),
    ]);
    expect(whole.accepted).toBe(1_000);
    expect(small.map(r => r.accepted)).toEqual([10, 10]);
    // The two small ones after it, together.
    expect(storing.mostEvents).toBe(1_000);
    expect(storing.most).toBe(2);
  });
});
