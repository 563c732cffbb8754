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

/** The catalog, counting the entities it hands out. */
function countingCatalog() {
  const inner = catalogServiceMock({ entities });
  const seen = { entities: 0, requests: 0 };
  const catalog = {
    ...inner,
    async queryEntities(...args: Parameters<CatalogService['queryEntities']>) {
      const page = await inner.queryEntities(...args);
      seen.requests += 1;
      seen.entities += page.items.length;
      return page;
    },
  } as CatalogService;
  return { catalog, seen };
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
});
