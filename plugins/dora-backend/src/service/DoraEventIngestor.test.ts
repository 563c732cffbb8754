import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { DoraStore, ResolvedDoraEvent } from '../database/DoraStore';
import { DoraEventIngestor, EVENTS_IN_FLIGHT } from './DoraEventIngestor';

const batch = (name: string, size: number) =>
  Array.from({ length: size }, (_, i) => ({
    type: 'deployment',
    id: `${name}-${i}`,
    service: 'checkout',
    environment: 'production',
    status: 'success',
    startedAt: '2026-10-01T09:00:00Z',
    finishedAt: '2026-10-01T09:10:00Z',
    commitSha: 'abc1234',
  }));

/**
 * A store that holds every batch until released, recording which batches
 * were being stored at once (the ingestor's turn-taking is under test).
 */
function holdingStore() {
  const storing = new Set<string>();
  const together: string[][] = [];
  const held: Array<() => void> = [];
  const store = {
    async ingestSources(
      batches: Array<{ source: string; events: ResolvedDoraEvent[] }>,
    ) {
      const name = batches[0].events[0].event.id.split('-')[0];
      storing.add(name);
      together.push([...storing].sort());
      await new Promise<void>(release => held.push(release));
      storing.delete(name);
      const n = batches.reduce((sum, b) => sum + b.events.length, 0);
      return { accepted: n, unchanged: 0 };
    },
  } as unknown as DoraStore;
  const releaseAll = async () => {
    while (held.length > 0 || storing.size > 0) {
      held.splice(0).forEach(release => release());
      await new Promise(resolve => setImmediate(resolve));
    }
  };
  return { store, together, releaseAll, held };
}

const settle = () => new Promise(resolve => setTimeout(resolve, 20));

describe('DoraEventIngestor turns', () => {
  it('stores CI-sized batches side by side and large ones a few at a time, in order', async () => {
    const { store, together, releaseAll, held } = holdingStore();
    const ingestor = DoraEventIngestor.create({
      store,
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
    });
    const post = (name: string, size: number) =>
      ingestor.ingestFromCaller('service:ci', batch(name, size));

    // Eight teams' days (40 events each) are stored at once.
    const small = 'abcdefgh'.split('').map(name => post(name, 40));
    await settle();
    expect(held).toHaveLength(8);
    await releaseAll();
    await Promise.all(small);

    // Backfill batches of 600: two at a time (three would be 1,800).
    expect(3 * 600).toBeGreaterThan(EVENTS_IN_FLIGHT);
    together.length = 0;
    const large = ['p', 'q', 'r', 'x'].map(name => post(name, 600));
    await settle();
    expect(held).toHaveLength(2);
    await releaseAll();
    await Promise.all(large);
    expect(Math.max(...together.map(names => names.length))).toBe(2);
    // In the order they came.
    expect(together.map(names => names.at(-1))).toEqual(['p', 'q', 'r', 'x']);
  });
});
