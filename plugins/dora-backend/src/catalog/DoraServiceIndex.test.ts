import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DoraServiceIndex } from './DoraServiceIndex';

const component = (
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

/** An organisation's catalog: thousands of components. */
const entities: Entity[] = [
  ...Array.from({ length: 3000 }, (_, i) => component(`service-${i}`)),
  component('checkout', { 'paved.dev/dora-service': 'checkout-api' }),
  component('payments', { 'github.com/project-slug': 'Fernhill/Payments' }),
  component('ledger-a', { 'paved.dev/dora-service': 'ledger' }),
  component('ledger-b', { 'paved.dev/dora-service': 'ledger' }),
];

/** The catalog, counting the entities it hands out; `edit` changes it. */
function countingCatalog() {
  let inner = catalogServiceMock({ entities });
  const seen = { entities: 0, requests: 0 };
  const edit = (change: (current: Entity[]) => Entity[]) => {
    inner = catalogServiceMock({ entities: change(entities) });
  };
  const catalog = {
    ...inner,
    async queryEntities(...args: Parameters<CatalogService['queryEntities']>) {
      const page = await inner.queryEntities(...args);
      seen.requests += 1;
      seen.entities += page.items.length;
      return page;
    },
  } as CatalogService;
  return { catalog, seen, edit };
}

describe('DoraServiceIndex.resolveServices', () => {
  it('asks the catalog about the named services only, not the whole catalog', async () => {
    const { catalog, seen } = countingCatalog();
    const index = DoraServiceIndex.create({
      catalog,
      auth: mockServices.auth(),
    });
    const resolved = await index.resolveServices([
      'service-7',
      'checkout-api',
      'fernhill/payments',
      'component:default/service-42',
      'component:default/not-there',
      'ledger',
      'unknown',
    ]);
    expect(Object.fromEntries(resolved)).toEqual({
      'service-7': 'component:default/service-7',
      'checkout-api': 'component:default/checkout',
      'fernhill/payments': 'component:default/payments',
      'component:default/service-42': 'component:default/service-42',
      'component:default/not-there': null,
      // Claimed by two components: never given to either.
      ledger: null,
      unknown: null,
    });
    // One query per kind of claim (alias, slug, name), each naming only
    // these services.
    expect(seen.requests).toBeLessThanOrEqual(3);
    expect(seen.entities).toBeLessThanOrEqual(6);
  });

  it('keeps what it resolved for a while: a batch of known services costs no catalog request', async () => {
    const { catalog, seen } = countingCatalog();
    const index = DoraServiceIndex.create({
      catalog,
      auth: mockServices.auth(),
    });
    await index.resolveServices(['service-1', 'service-2']);
    const first = seen.requests;
    expect(first).toBeGreaterThan(0);
    await index.resolveServices(['service-2', 'service-1']);
    expect(seen.requests).toBe(first);
    await index.resolveServices(['service-1', 'service-3']);
    expect(seen.requests).toBeGreaterThan(first);
    expect(seen.entities).toBe(3);
  });

  describe('once a resolution has aged', () => {
    let now = Date.parse('2026-12-01T12:00:00Z');
    beforeEach(() => {
      jest.spyOn(Date, 'now').mockImplementation(() => now);
    });
    afterEach(() => jest.restoreAllMocks());

    it('answers from it while resolving every aged name again in the background, together', async () => {
      const { catalog, seen, edit } = countingCatalog();
      const index = DoraServiceIndex.create({
        catalog,
        auth: mockServices.auth(),
      });
      const services = Array.from({ length: 10 }, (_, i) => `service-${i}`);
      await index.resolveServices([...services, 'checkout-api']);
      const first = seen.requests;

      // The alias moves to another component after the first resolution.
      edit(current => [
        ...current.map(e =>
          e.metadata.name === 'checkout' ? component('checkout') : e,
        ),
        component('checkout-v2', { 'paved.dev/dora-service': 'checkout-api' }),
      ]);
      now += 40_000;
      // Eleven batches, each naming one aged service, answer at once (the
      // first from what was resolved before the change)...
      const answers = [];
      for (const service of ['checkout-api', ...services]) {
        answers.push(await index.resolveServices([service]));
      }
      expect(answers[0].get('checkout-api')).toBe('component:default/checkout');
      expect(answers[4].get('service-3')).toBe('component:default/service-3');
      // ...and cost one round of three queries in all (every aged name
      // together), not three queries each.
      await index.settled();
      expect(seen.requests - first).toBe(3);

      // The next batch sees the catalog as it is now, without asking it.
      const afterRefresh = seen.requests;
      const moved = await index.resolveServices(['checkout-api']);
      expect(moved.get('checkout-api')).toBe('component:default/checkout-v2');
      expect(seen.requests).toBe(afterRefresh);
    });

    it('resolves names again in full chunks while batches keep arriving, not a few at a time', async () => {
      const services = Array.from({ length: 300 }, (_, i) => `service-${i}`);
      const inner = catalogServiceMock({
        entities: services.map(name => component(name)),
      });
      let requests = 0;
      let latency = 0;
      const catalog = {
        ...inner,
        // Each query takes `latency` ms, so names keep ageing while a
        // background pass runs, as they do during a large ingest.
        async queryEntities(
          ...args: Parameters<CatalogService['queryEntities']>
        ) {
          requests += 1;
          now += latency;
          return inner.queryEntities(...args);
        },
      } as CatalogService;
      const index = DoraServiceIndex.create({
        catalog,
        auth: mockServices.auth(),
      });
      // First seen over 30 s, ten services a second...
      for (let i = 0; i < 30; i++) {
        await index.resolveServices(services.slice(i * 10, i * 10 + 10));
        now += 1000;
      }
      requests = 0;
      latency = 50;
      // ...then CI batches for 90 s, one every 100 ms, each naming the next
      // service: each is named again every 30 s.
      for (let i = 0; i < 900; i++) {
        now += 100;
        const service = services[i % services.length];
        const resolved = await index.resolveServices([service]);
        expect(resolved.get(service)).toBe(`component:default/${service}`);
      }
      await index.settled();
      // A pass every quarter minute or so resolves the names due together:
      // three queries (one per kind of claim) for up to 500 names. Taking
      // names as they became due asked about a few at a time, back to back.
      expect(requests).toBeLessThanOrEqual(24);
    });

    it('resolves a name before answering once its resolution is too old to use', async () => {
      const { catalog, seen, edit } = countingCatalog();
      const index = DoraServiceIndex.create({
        catalog,
        auth: mockServices.auth(),
      });
      await index.resolveServices(['checkout-api']);
      edit(current => [
        ...current.map(e =>
          e.metadata.name === 'checkout' ? component('checkout') : e,
        ),
        component('checkout-v2', { 'paved.dev/dora-service': 'checkout-api' }),
      ]);
      now += 61_000;
      const before = seen.requests;
      const resolved = await index.resolveServices(['checkout-api']);
      expect(resolved.get('checkout-api')).toBe(
        'component:default/checkout-v2',
      );
      expect(seen.requests).toBeGreaterThan(before);
    });

    it('keeps answering from it when resolving it again fails', async () => {
      const { catalog, edit } = countingCatalog();
      const index = DoraServiceIndex.create({
        catalog,
        auth: mockServices.auth(),
      });
      await index.resolveServices(['service-1']);
      const failing = jest
        .spyOn(catalog, 'queryEntities')
        .mockRejectedValue(new Error('catalog unreachable'));
      edit(current => current);
      now += 40_000;
      const resolved = await index.resolveServices(['service-1']);
      await index.settled();
      expect(resolved.get('service-1')).toBe('component:default/service-1');
      expect(failing).toHaveBeenCalled();
      // Too old to use: the caller sees the failure (the ingest stores the
      // events unattributed and says so).
      now += 30_000;
      await expect(index.resolveServices(['service-1'])).rejects.toThrow();
    });
  });
});
