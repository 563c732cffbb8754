import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { builtinChecks } from '../checks/builtinChecks';
import { CampaignService } from '../service/CampaignService';
import { CampaignStore } from './CampaignStore';
import { ScorecardStore } from './ScorecardStore';

jest.setTimeout(60_000);

const DAY_MS = 86_400_000;
const NOW = new Date('2026-12-04T10:00:00Z');
const ADMIN = 'user:default/admin';

describe('CampaignStore', () => {
  const databases = TestDatabases.create();

  async function store(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const database = mockServices.database({ knex });
    await ScorecardStore.create({ database });
    return CampaignStore.create({ database });
  }

  const start = (campaigns: CampaignStore, deadline: Date) =>
    campaigns.start({
      title: 'Docs for every service',
      description: '',
      checks: ['has-techdocs'],
      target: { types: ['service'] },
      upgradeTo: null,
      deadline,
      createdBy: ADMIN,
      now: NOW,
    });

  it.each(databases.eachSupportedId())(
    'keeps one burn-up row per campaign and day however often evaluated, and counts who is done (%s)',
    async databaseId => {
      const campaigns = await store(databaseId);
      const { campaign } = await start(
        campaigns,
        new Date(NOW.getTime() + 30 * DAY_MS),
      );
      expect((await start(campaigns, campaign.deadline)).created).toBe(false);
      await campaigns.record(campaign.id, '2026-12-03', [
        { entityRef: 'component:default/a', failing: ['has-techdocs'] },
        { entityRef: 'component:default/b', failing: ['has-techdocs'] },
      ]);
      // Two passes on one day, as two replicas might run them.
      for (const pass of [0, 1]) {
        await campaigns.record(campaign.id, '2026-12-04', [
          { entityRef: 'component:default/a', failing: [] },
          {
            entityRef: 'component:default/b',
            failing: pass ? [] : ['has-techdocs'],
          },
          { entityRef: 'component:default/c', failing: ['has-techdocs'] },
        ]);
      }
      expect(await campaigns.progress(campaign.id)).toEqual([
        { day: '2026-12-03', targeted: 2, done: 0 },
        { day: '2026-12-04', targeted: 3, done: 2 },
      ]);
      expect(await campaigns.get(campaign.id)).toMatchObject({
        targeted: 3,
        done: 2,
      });
      expect(
        await campaigns.targets({ entityRef: 'component:default/c' }),
      ).toEqual([
        {
          campaignId: campaign.id,
          entityRef: 'component:default/c',
          done: false,
          failing: ['has-techdocs'],
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps a template upgrade’s version; a retry answers it, another version under the title conflicts (%s)',
    async databaseId => {
      const campaigns = await store(databaseId);
      const upgrade = (upgradeTo: string) =>
        campaigns.start({
          title: 'Node services on 1.4',
          description: '',
          checks: [],
          target: { template: 'template:default/node-service' },
          upgradeTo,
          deadline: new Date(NOW.getTime() + 30 * 86_400_000),
          createdBy: ADMIN,
          now: NOW,
        });
      const first = await upgrade('1.4.0');
      expect(first.created).toBe(true);
      expect((await campaigns.get(first.campaign.id))?.upgradeTo).toBe('1.4.0');
      const retried = await upgrade('1.4.0');
      expect(retried).toMatchObject({
        created: false,
        campaign: { id: first.campaign.id, upgradeTo: '1.4.0' },
      });
      await expect(upgrade('1.5.0')).rejects.toThrow(/exists already/);
    },
  );

  it.each(databases.eachSupportedId())(
    'reminds the owners of what is not done a week before and at the deadline, once each across replicas (%s)',
    async databaseId => {
      const campaigns = await store(databaseId);
      const sent: Array<{ entityRef: unknown; title: string; scope?: string }> =
        [];
      const notifications: NotificationService = {
        async send({ recipients, payload }) {
          sent.push({
            entityRef: (recipients as { entityRef: unknown }).entityRef,
            title: payload.title,
            scope: payload.scope,
          });
        },
      };
      const service = CampaignService.create({
        store: campaigns,
        catalog: catalogServiceMock({ entities: [] }),
        checks: builtinChecks({ minorVersionsBehind: 1 }),
        notifications,
        logger: mockServices.logger.mock(),
      });
      const deadline = new Date(NOW.getTime() + 10 * DAY_MS);
      const { campaign } = await start(campaigns, deadline);
      await campaigns.record(campaign.id, '2026-12-04', [
        { entityRef: 'component:default/done', failing: [] },
        { entityRef: 'component:default/late', failing: ['has-techdocs'] },
      ]);
      // Ten days ahead: nothing yet.
      expect(await service.remind(NOW)).toBe(0);
      const weekBefore = new Date(deadline.getTime() - 6 * DAY_MS);
      const replicas = await Promise.all([
        service.remind(weekBefore),
        service.remind(weekBefore),
      ]);
      expect(replicas.reduce((a, b) => a + b)).toBe(1);
      const after = new Date(deadline.getTime() + DAY_MS);
      expect(await service.remind(after)).toBe(1);
      expect(await service.remind(after)).toBe(0);
      expect(sent).toEqual([
        {
          entityRef: ['component:default/late'],
          title: `Docs for every service: due ${deadline
            .toISOString()
            .slice(0, 10)}`,
          scope: `scorecards-campaign:${campaign.id}:week:component:default/late`,
        },
        {
          entityRef: ['component:default/late'],
          title: 'Docs for every service: the deadline has passed',
          scope: `scorecards-campaign:${campaign.id}:due:component:default/late`,
        },
      ]);
    },
  );
});
