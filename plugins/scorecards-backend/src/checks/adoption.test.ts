import type { Entity } from '@backstage/catalog-model';
import {
  adoptionOf,
  countTemplateRuns,
  newServices,
  summariseFirstDeployments,
  weekOf,
} from './adoption';

const component = (name: string, owner: string, template?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    ...(template
      ? { annotations: { 'backstage.io/source-template': template } }
      : {}),
  },
  spec: { type: 'service', owner },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

describe('adoption', () => {
  it('counts components and teams on a golden path and on its current version', () => {
    const components = [
      component('a', 'checkout', 'template:default/node'),
      component('b', 'checkout', 'template:default/node'),
      component('c', 'payments'),
      // A template the catalog does not have is no golden path.
      component('d', 'search', 'template:default/gone'),
    ];
    const scorecards = new Map(
      ['a', 'b'].map(name => [
        `component:default/${name}`,
        {
          entityRef: `component:default/${name}`,
          level: null,
          evaluatedAt: new Date(),
          checks: [
            {
              id: 'golden-path-current',
              outcome: name === 'a' ? ('pass' as const) : ('fail' as const),
              evidence: '',
            },
          ],
        },
      ]),
    );
    expect(
      adoptionOf(
        '2026-12-04',
        components,
        scorecards,
        ref => ref === 'template:default/node',
        null,
      ),
    ).toEqual({
      day: '2026-12-04',
      components: 4,
      onGoldenPath: 2,
      onCurrentVersion: 1,
      teams: 3,
      teamsOnGoldenPath: 1,
      templateRuns: null,
      releases: [],
    });
  });

  it('counts template runs per week, every week present, and per template', () => {
    expect(weekOf(new Date('2026-12-04T10:00:00Z'))).toBe('2026-11-30');
    expect(weekOf(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
    expect(weekOf(new Date('2026-11-29T23:59:59Z'))).toBe('2026-11-23');
    const runs = countTemplateRuns(
      [
        {
          createdAt: '2026-12-03T09:00:00Z',
          templateRef: 'template:default/node',
        },
        {
          createdAt: '2026-12-01T09:00:00Z',
          templateRef: 'template:default/node',
        },
        {
          createdAt: '2026-11-24T09:00:00Z',
          templateRef: 'template:default/py',
        },
        // Older than the weeks counted.
        {
          createdAt: '2026-01-05T09:00:00Z',
          templateRef: 'template:default/py',
        },
      ],
      new Date('2026-12-04T10:00:00Z'),
      3,
    );
    expect(runs).toEqual({
      weeks: [
        { week: '2026-11-16', runs: 0 },
        { week: '2026-11-23', runs: 1 },
        { week: '2026-11-30', runs: 2 },
      ],
      templates: [
        { templateRef: 'template:default/node', runs: 2 },
        { templateRef: 'template:default/py', runs: 1 },
      ],
    });
  });

  it('finds the services golden paths created: completed runs whose name is a component recording that template', () => {
    const node = 'template:default/node';
    const components = [
      component('basket', 'checkout', node),
      component('ledger', 'payments', node),
      // Not from this template: the run's name was taken by another service.
      component('search', 'storefront', 'template:default/python'),
      component('legacy', 'checkout'),
    ];
    const run = (
      componentName: string,
      createdAt: string,
      status = 'completed',
      templateRef = node,
    ) => ({ componentName, createdAt, status, templateRef });
    expect(
      newServices(
        [
          run('basket', '2026-11-02T10:00:00Z'),
          // A second run for the same name: the first one created it.
          run('Basket', '2026-11-20T10:00:00Z'),
          run('ledger', '2026-11-10T09:00:00Z'),
          run('orders', '2026-11-11T09:00:00Z', 'failed'),
          run('search', '2026-11-12T09:00:00Z'),
          run('legacy', '2026-11-13T09:00:00Z'),
          { createdAt: '2026-11-14T09:00:00Z', templateRef: node },
        ],
        components,
      ),
    ).toEqual([
      {
        entityRef: 'component:default/ledger',
        createdAt: new Date('2026-11-10T09:00:00Z'),
      },
      {
        entityRef: 'component:default/basket',
        createdAt: new Date('2026-11-02T10:00:00Z'),
      },
    ]);
  });

  it('follows at most the 50 newest services', () => {
    const names = Array.from({ length: 60 }, (_, i) => `svc-${i}`);
    const services = newServices(
      names.map((name, i) => ({
        componentName: name,
        createdAt: new Date(Date.UTC(2026, 9, 1 + i)).toISOString(),
        status: 'completed',
        templateRef: 'template:default/node',
      })),
      names.map(name => component(name, 'checkout', 'template:default/node')),
    );
    expect(services).toHaveLength(50);
    expect(services[0].entityRef).toBe('component:default/svc-59');
  });

  it('summarises the hours from a template run to the first production deployment', () => {
    const at = (iso: string) => new Date(iso);
    expect(
      summariseFirstDeployments([
        {
          createdAt: at('2026-11-02T10:00:00Z'),
          firstDeployment: at('2026-11-02T16:00:00Z'),
        },
        {
          createdAt: at('2026-11-03T10:00:00Z'),
          firstDeployment: at('2026-11-05T10:00:00Z'),
        },
        { createdAt: at('2026-11-20T10:00:00Z'), firstDeployment: null },
      ]),
    ).toEqual({ services: 3, deployed: 2, medianHours: 27 });
    expect(
      summariseFirstDeployments([
        { createdAt: at('2026-11-20T10:00:00Z'), firstDeployment: null },
      ]),
    ).toEqual({ services: 1, deployed: 0, medianHours: null });
  });
});
