import type { Entity } from '@backstage/catalog-model';
import type {
  DeliveryFacts,
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
});
