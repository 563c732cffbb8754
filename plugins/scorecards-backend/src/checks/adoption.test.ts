import type { Entity } from '@backstage/catalog-model';
import { adoptionOf, countTemplateRuns, weekOf } from './adoption';

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
});
