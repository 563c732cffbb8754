import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DELIVERY_CLAIM_MS, GithubSourceStore } from './GithubSourceStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

describe.each(databases.eachSupportedId())(
  'GitHub delivery claims on %s',
  id => {
    async function twoReplicas() {
      const knex = await databases.init(id);
      const database = mockServices.database({ knex });
      const a = await GithubSourceStore.create(database);
      const b = await GithubSourceStore.create(database);
      return { knex, a, b };
    }

    it('gives a delivery to exactly one of many replicas claiming it at once', async () => {
      const { a, b } = await twoReplicas();
      const at = new Date('2026-12-03T10:00:00Z');
      for (let i = 0; i < 20; i++) {
        const claims = await Promise.all(
          [a, b, a, b].map(replica => replica.claimDelivery(`d-${i}`, at)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
      }
    });

    it('keeps a processed delivery, and lets a released or abandoned claim be taken again', async () => {
      const { knex, a, b } = await twoReplicas();
      const at = new Date('2026-12-03T10:00:00Z');
      const later = (ms: number) => new Date(at.getTime() + ms);

      expect(await a.claimDelivery('done', at)).toBe(true);
      await a.completeDelivery('done');
      // Processed: a duplicate however late it comes.
      expect(await b.claimDelivery('done', later(DELIVERY_CLAIM_MS * 2))).toBe(
        false,
      );

      expect(await a.claimDelivery('failed', at)).toBe(true);
      await a.releaseDelivery('failed', at);
      expect(await b.claimDelivery('failed', later(1))).toBe(true);

      // The replica died while processing: the claim holds for a while...
      expect(await a.claimDelivery('abandoned', at)).toBe(true);
      expect(await b.claimDelivery('abandoned', later(60_000))).toBe(false);
      // ...and is then taken over; the dead replica's release (had it come
      // back) no longer removes the new claim.
      const takeover = later(DELIVERY_CLAIM_MS + 1);
      expect(await b.claimDelivery('abandoned', takeover)).toBe(true);
      await a.releaseDelivery('abandoned', at);
      expect(
        await knex('dora_github_deliveries')
          .where({ delivery_id: 'abandoned' })
          .select('processed'),
      ).toEqual([{ processed: expect.anything() }]);
      expect(
        await a.claimDelivery('abandoned', later(1 + DELIVERY_CLAIM_MS)),
      ).toBe(false);
    });
  },
);
