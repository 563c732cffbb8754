import type { Entity } from '@backstage/catalog-model';
import type {
  CostFacts,
  DeliveryFacts,
  DocsFacts,
  LiveWorkloadFacts,
  ScorecardCheck,
  ScorecardFacts,
} from '@paved/plugin-scorecards-node';
import { builtinChecks, versionsBehind } from './builtinChecks';

const component = (
  spec: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
  relations: Entity['relations'] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', ...spec },
  relations,
});

const facts = (
  options: {
    entities?: string[];
    templates?: Record<string, string>;
    delivery?: DeliveryFacts | 'unreadable';
    live?: LiveWorkloadFacts;
    cost?: CostFacts;
    docs?: Record<string, DocsFacts>;
  } = {},
): ScorecardFacts => ({
  hasEntity: ref => (options.entities ?? []).includes(ref),
  templateVersion: ref => options.templates?.[ref],
  delivery: () =>
    options.delivery === 'unreadable'
      ? undefined
      : options.delivery ?? {
          deployments: 0,
          changeFailRate: null,
          changeFailRateBand: null,
        },
  liveWorkloads: () => options.live,
  cost: () => options.cost,
  docs: ref => options.docs?.[ref],
});

const checks = new Map(
  builtinChecks({ minorVersionsBehind: 1 }).map(c => [c.id, c]),
);
const check = (id: string): ScorecardCheck => checks.get(id)!;

describe('built-in scorecard checks', () => {
  it('has-owner: passes for an owner in the catalog, fails for none or a missing one', () => {
    const owned = component({ owner: 'checkout-team' });
    expect(
      check('has-owner').evaluate(
        owned,
        facts({ entities: ['group:default/checkout-team'] }),
      ),
    ).toEqual({
      outcome: 'pass',
      evidence: 'Owned by group:default/checkout-team.',
    });
    expect(check('has-owner').evaluate(owned, facts()).outcome).toBe('fail');
    expect(check('has-owner').evaluate(component(), facts())).toEqual({
      outcome: 'fail',
      evidence: 'spec.owner is not set.',
    });
  });

  it('has-system: passes for a system in the catalog only', () => {
    const part = component({ system: 'shop' });
    expect(
      check('has-system').evaluate(
        part,
        facts({ entities: ['system:default/shop'] }),
      ).outcome,
    ).toBe('pass');
    expect(check('has-system').evaluate(part, facts()).evidence).toBe(
      'spec.system names system:default/shop, which is not in the catalog.',
    );
  });

  it('has-techdocs: passes with the techdocs-ref annotation', () => {
    expect(
      check('has-techdocs').evaluate(
        component({}, { 'backstage.io/techdocs-ref': 'dir:.' }),
        facts(),
      ).outcome,
    ).toBe('pass');
    expect(check('has-techdocs').evaluate(component(), facts()).outcome).toBe(
      'fail',
    );
  });

  it('apis-registered: not applicable without APIs, fails naming the unregistered ones', () => {
    expect(
      check('apis-registered').evaluate(component(), facts()).outcome,
    ).toBe('not-applicable');
    const provider = component({ providesApis: ['orders-api', 'refunds-api'] });
    expect(
      check('apis-registered').evaluate(
        provider,
        facts({ entities: ['api:default/orders-api'] }),
      ),
    ).toEqual({
      outcome: 'fail',
      evidence: 'Not in the catalog: api:default/refunds-api.',
    });
    expect(
      check('apis-registered').evaluate(
        provider,
        facts({
          entities: ['api:default/orders-api', 'api:default/refunds-api'],
        }),
      ).outcome,
    ).toBe('pass');
  });

  describe('golden-path-current', () => {
    const made = (version?: string) =>
      component(
        {},
        {
          'backstage.io/source-template': 'template:default/node-service',
          ...(version ? { 'paved.dev/template-version': version } : {}),
        },
      );
    const templates = { 'template:default/node-service': '1.4.0' };

    it('passes on the current version or within the allowed minor versions', () => {
      for (const version of ['1.4.0', '1.4.3', '1.3.9']) {
        expect(
          check('golden-path-current').evaluate(
            made(version),
            facts({ templates }),
          ).outcome,
        ).toBe('pass');
      }
    });

    it('fails further behind, a major behind, without a version or without a template', () => {
      expect(
        check('golden-path-current').evaluate(
          made('1.2.0'),
          facts({ templates }),
        ).evidence,
      ).toBe(
        'On template:default/node-service 1.2.0, 2 minor versions behind 1.4.0 (allowed: 1).',
      );
      expect(
        check('golden-path-current').evaluate(
          made('0.9.0'),
          facts({ templates }),
        ).outcome,
      ).toBe('fail');
      expect(
        check('golden-path-current').evaluate(made(), facts({ templates }))
          .outcome,
      ).toBe('fail');
      expect(
        check('golden-path-current').evaluate(
          component(),
          facts({ templates }),
        ),
      ).toEqual({
        outcome: 'fail',
        evidence: 'Not created from a golden-path template.',
      });
    });

    it('is not applicable when the template declares no version', () => {
      expect(
        check('golden-path-current').evaluate(made('1.0.0'), facts()).outcome,
      ).toBe('not-applicable');
    });

    it('counts minor versions between dotted versions', () => {
      expect(versionsBehind('1.2.9', '1.4.0')).toBe(2);
      expect(versionsBehind('v2.0.0', '2.0.1')).toBe(0);
      expect(versionsBehind('1.9.0', '2.0.0')).toBe('major');
      expect(versionsBehind('1.5.0', '1.4.0')).toBe(0);
      expect(versionsBehind('next', '1.4.0')).toBeUndefined();
    });
  });

  it('deployments-reported: passes with a deployment, fails without, not applicable for experiments or without DORA', () => {
    const delivering = facts({
      delivery: {
        deployments: 12,
        changeFailRate: 0.1,
        changeFailRateBand: 'high',
      },
    });
    expect(
      check('deployments-reported').evaluate(component(), delivering).outcome,
    ).toBe('pass');
    expect(
      check('deployments-reported').evaluate(component(), facts()).outcome,
    ).toBe('fail');
    expect(
      check('deployments-reported').evaluate(
        component({ lifecycle: 'experimental' }),
        facts(),
      ).outcome,
    ).toBe('not-applicable');
    expect(
      check('deployments-reported').evaluate(
        component(),
        facts({ delivery: 'unreadable' }),
      ).outcome,
    ).toBe('not-applicable');
  });

  it('change-fail-rate: passes in the elite or high band, fails below, not applicable without deployments', () => {
    const rate = (
      changeFailRate: number,
      changeFailRateBand: DeliveryFacts['changeFailRateBand'],
    ) =>
      check('change-fail-rate').evaluate(
        component(),
        facts({
          delivery: { deployments: 20, changeFailRate, changeFailRateBand },
        }),
      );
    expect(rate(0.05, 'elite').outcome).toBe('pass');
    expect(rate(0.3, 'low')).toEqual({
      outcome: 'fail',
      evidence: '30 % of deployments failed (low).',
    });
    expect(
      check('change-fail-rate').evaluate(component(), facts()).outcome,
    ).toBe('not-applicable');
  });

  describe('techdocs-build', () => {
    const documented = component({}, { 'backstage.io/techdocs-ref': 'dir:.' });
    const own = 'component:default/checkout';

    it('passes with a published site, naming when it was built', () => {
      expect(
        check('techdocs-build').evaluate(
          documented,
          facts({
            docs: {
              [own]: {
                builtAt: new Date('2026-11-30T10:00:00Z'),
                builtOnFirstView: false,
              },
            },
          }),
        ),
      ).toEqual({
        outcome: 'pass',
        evidence: 'Built and published on 2026-11-30.',
      });
    });

    it('fails without a site when CI publishes, is not applicable when the portal builds on first view', () => {
      expect(
        check('techdocs-build').evaluate(
          documented,
          facts({ docs: { [own]: { builtOnFirstView: false } } }),
        ),
      ).toEqual({
        outcome: 'fail',
        evidence:
          'No published site: the docs did not build, or the pipeline does not publish them.',
      });
      expect(
        check('techdocs-build').evaluate(
          documented,
          facts({ docs: { [own]: { builtOnFirstView: true } } }),
        ).outcome,
      ).toBe('not-applicable');
    });

    it('reads the docs of the entity techdocs-entity names, and is not applicable without docs or storage', () => {
      const borrowing = component(
        {},
        { 'backstage.io/techdocs-entity': 'system:shop' },
      );
      expect(
        check('techdocs-build').evaluate(
          borrowing,
          facts({
            docs: { 'system:default/shop': { builtOnFirstView: false } },
          }),
        ).evidence,
      ).toBe(
        'No published site (the docs of system:default/shop): the docs did not build, or the pipeline does not publish them.',
      );
      expect(
        check('techdocs-build').evaluate(component(), facts()).outcome,
      ).toBe('not-applicable');
      expect(check('techdocs-build').evaluate(documented, facts())).toEqual({
        outcome: 'not-applicable',
        evidence: 'The TechDocs storage could not be read.',
      });
    });
  });

  describe('live-checks', () => {
    const workload = (
      name: string,
      failing: LiveWorkloadFacts['workloads'][number]['failing'] = [],
    ) => ({ workload: `prod-eu/checkout/Deployment/${name}`, failing });

    it('passes when every production workload passes', () => {
      expect(
        check('live-checks').evaluate(
          component(),
          facts({
            live: {
              workloads: [workload('checkout'), workload('checkout-worker')],
              unsyncedClusters: [],
            },
          }),
        ),
      ).toEqual({
        outcome: 'pass',
        evidence: '2 workloads in production pass every live check.',
      });
    });

    it('fails naming the workload and the check, at most three of them', () => {
      const failing = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
          id: 'resources',
          title: 'Resource requests and limits',
          detail: `container c${i} has no memory limit`,
        }));
      expect(
        check('live-checks').evaluate(
          component(),
          facts({
            live: {
              workloads: [workload('checkout', failing(1))],
              unsyncedClusters: [],
            },
          }),
        ),
      ).toEqual({
        outcome: 'fail',
        evidence:
          '1 failing in 1 workload: prod-eu/checkout/Deployment/checkout: Resource requests and limits (container c0 has no memory limit).',
      });
      expect(
        check('live-checks').evaluate(
          component(),
          facts({
            live: {
              workloads: [workload('checkout', failing(5))],
              unsyncedClusters: [],
            },
          }),
        ).evidence,
      ).toMatch(
        /^5 failing in 1 workload: .*c2 has no memory limit\); and 2 more\.$/,
      );
    });

    it('is not applicable with nothing in production or without Kubernetes status', () => {
      expect(
        check('live-checks').evaluate(
          component(),
          facts({ live: { workloads: [], unsyncedClusters: [] } }),
        ).evidence,
      ).toBe('Runs no workload in production.');
      expect(
        check('live-checks').evaluate(
          component(),
          facts({ live: { workloads: [], unsyncedClusters: ['prod-us'] } }),
        ),
      ).toEqual({
        outcome: 'not-applicable',
        evidence: 'No workload found in production; not synced yet: prod-us.',
      });
      expect(check('live-checks').evaluate(component(), facts()).outcome).toBe(
        'not-applicable',
      );
    });
  });

  describe('cost-budget', () => {
    it('passes with cost allocated and a budget', () => {
      expect(
        check('cost-budget').evaluate(
          component(),
          facts({
            cost: { total: 1234.4, currency: 'EUR', monthlyBudget: 2500 },
          }),
        ),
      ).toEqual({
        outcome: 'pass',
        evidence: '€1,234 in 30 days; budget €2,500 a month.',
      });
    });

    it('fails without a budget or without any cost allocated', () => {
      expect(
        check('cost-budget').evaluate(
          component(),
          facts({ cost: { total: 80, currency: 'USD' } }),
        ),
      ).toEqual({
        outcome: 'fail',
        evidence:
          '$80 in 30 days, but no budget is set (paved.dev/cost-budget).',
      });
      expect(
        check('cost-budget').evaluate(
          component(),
          facts({ cost: { total: 0, currency: 'USD', monthlyBudget: 500 } }),
        ).evidence,
      ).toBe('No cost allocated to it in 30 days (budget $500 a month).');
      expect(
        check('cost-budget').evaluate(
          component(),
          facts({ cost: { total: 0, currency: 'USD' } }),
        ).outcome,
      ).toBe('fail');
    });

    it('is not applicable to libraries, retired services or without cost', () => {
      const cost = facts({ cost: { total: 0, currency: 'USD' } });
      expect(
        check('cost-budget').evaluate(component({ type: 'library' }), cost)
          .outcome,
      ).toBe('not-applicable');
      expect(
        check('cost-budget').evaluate(
          component({ lifecycle: 'deprecated' }),
          cost,
        ).outcome,
      ).toBe('not-applicable');
      expect(check('cost-budget').evaluate(component(), facts())).toEqual({
        outcome: 'not-applicable',
        evidence:
          'No cost to go by: cost could not be read, or no source has reported any for the last 30 days.',
      });
    });
  });
});
