import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import doraPlugin from '@paved/plugin-dora-backend';
import { parseDoraEventBatch } from '@paved/plugin-dora-common';
import { demoHistory, demoServices, unknownDemoService } from './demoHistory';
import { doraModuleDemo } from './module';

jest.setTimeout(120_000);

type Event = Record<string, any>;
const DAY = 86_400_000;

describe('demo DORA history', () => {
  const today = new Date('2026-11-26T15:00:00Z');
  const events = demoHistory(today) as Event[];

  it('is the same on every start of the same day, so re-ingesting changes nothing', () => {
    expect(demoHistory(new Date('2026-11-26T23:59:00Z'))).toEqual(events);
  });

  it('passes the event API validation in batches of 1000', () => {
    for (let i = 0; i < events.length; i += 1000) {
      expect(
        parseDoraEventBatch({ events: events.slice(i, i + 1000) }).ok,
      ).toBe(true);
    }
  });

  it('has AI-assisted changes at the adopting teams in the last weeks only, and they ship faster', () => {
    const changes = events.filter(e => e.type === 'change');
    const ai = changes.filter(e => e.labels.includes('ai-assisted'));
    expect(ai.length).toBeGreaterThan(50);
    expect(new Set(ai.map(e => e.service))).not.toContain('voucher-service');
    const cutoff = today.getTime() - 13 * 7 * DAY;
    expect(ai.every(e => Date.parse(e.authoredAt) > cutoff)).toBe(true);
    // Lead time: from authoring to the deployment that delivered it.
    const deployedAt = new Map<string, number>();
    for (const e of events.filter(d => d.type === 'deployment')) {
      for (const sha of e.commits)
        deployedAt.set(sha, Date.parse(e.finishedAt));
    }
    const medianLead = (list: Event[]) => {
      const leads = list
        .map(e => deployedAt.get(e.sha)! - Date.parse(e.authoredAt))
        .sort((a, b) => a - b);
      return leads[Math.floor(leads.length / 2)];
    };
    const others = changes.filter(
      e =>
        !e.labels.includes('ai-assisted') &&
        e.service === 'checkout-service' &&
        Date.parse(e.authoredAt) > cutoff,
    );
    const aiCheckout = ai.filter(e => e.service === 'checkout-service');
    expect(medianLead(aiCheckout)).toBeLessThan(medianLead(others));
  });

  it('has rollbacks, hotfixes, incidents with and without a named cause, and an unknown service', () => {
    const incidents = events.filter(e => e.type === 'incident');
    expect(events.some(e => e.type === 'deployment' && e.rollback)).toBe(true);
    expect(
      events.some(e => e.type === 'change' && e.labels.includes('hotfix')),
    ).toBe(true);
    expect(incidents.some(e => e.causedByDeploymentId)).toBe(true);
    expect(incidents.some(e => e.causedBySha)).toBe(true);
    expect(incidents.some(e => !e.causedByDeploymentId && !e.causedBySha)).toBe(
      true,
    );
    expect(events.some(e => e.service === unknownDemoService)).toBe(true);
  });

  describe('through the real DORA plugin', () => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

    it('gives teams that differ: elite, struggling, improving, speeding', async () => {
      const knex = await databases.init('SQLITE_3');
      const backend = await startTestBackend({
        features: [
          doraPlugin,
          doraModuleDemo,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: { dora: { demo: { enabled: true } } },
          }),
          catalogServiceMock.factory({
            entities: Object.keys(demoServices).map(name => ({
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name, namespace: 'default' },
              spec: { type: 'service', owner: 'team', lifecycle: 'production' },
            })),
          }),
        ],
      });
      try {
        const { port } = backend.server.address() as AddressInfo;
        const now = Date.now();
        const metrics = async (
          service: string,
          fromDaysAgo: number,
          toDaysAgo: number,
        ) => {
          const from = new Date(now - fromDaysAgo * DAY).toISOString();
          const to = new Date(now - toDaysAgo * DAY).toISOString();
          const res = await fetch(
            `http://localhost:${port}/api/dora/metrics?entityRef=component:default/${service}&from=${from}&to=${to}`,
            { headers: { authorization: mockCredentials.user.header() } },
          );
          return res.json();
        };

        const elite = await metrics('checkout-service', 90, 0);
        const struggling = await metrics('delivery-routing', 90, 0);
        expect(elite.deploymentFrequency.bucket).toBe('on-demand');
        expect(struggling.deploymentFrequency.deployments).toBeLessThan(
          elite.deploymentFrequency.deployments / 5,
        );
        expect(struggling.changeLeadTime.p50).toBeGreaterThan(
          elite.changeLeadTime.p50 * 5,
        );
        expect(struggling.changeFailRate.rate).toBeGreaterThan(
          elite.changeFailRate.rate,
        );

        const early = await metrics('payments-gateway', 182, 120);
        const late = await metrics('payments-gateway', 60, 0);
        expect(late.deploymentFrequency.deployments).toBeGreaterThan(
          early.deploymentFrequency.deployments * 2,
        );
        expect(late.changeLeadTime.p50).toBeLessThan(early.changeLeadTime.p50);
        // Payments improves on every number from one 30-day window to the
        // next (the Outcomes view's "improving" team).
        const previous = await metrics('payments-gateway', 60, 30);
        const last = await metrics('payments-gateway', 30, 0);
        expect(last.deploymentFrequency.deployments).toBeGreaterThan(
          previous.deploymentFrequency.deployments * 1.3,
        );
        expect(last.changeLeadTime.p50).toBeLessThan(
          previous.changeLeadTime.p50 * 0.8,
        );
        expect(last.changeFailRate.rate).toBeLessThan(
          previous.changeFailRate.rate - 0.04,
        );

        // Fulfilment's inventory service ships faster and fails more.
        const before = await metrics('inventory-service', 60, 30);
        const now30 = await metrics('inventory-service', 30, 0);
        expect(now30.deploymentFrequency.deployments).toBeGreaterThan(
          before.deploymentFrequency.deployments * 1.2,
        );
        expect(now30.changeLeadTime.p50).toBeLessThan(
          before.changeLeadTime.p50 * 0.9,
        );
        expect(now30.changeFailRate.rate).toBeGreaterThan(
          before.changeFailRate.rate + 0.05,
        );

        expect(elite.unattributedEvents).toBeGreaterThan(0); // legacy-billing
      } finally {
        await backend.stop();
      }
    });
  });
});
