import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { budgetFor } from './budget';

function component(name: string, budget?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(budget !== undefined
        ? { annotations: { 'paved.dev/cost-budget': budget } }
        : {}),
    },
    spec: {},
  };
}

const config = mockServices.rootConfig({
  data: {
    cost: {
      budgets: {
        'component:default/checkout': 1500,
        'Component:Payments': '800.50', // case and namespace are optional
      },
    },
  },
});

describe('budgetFor', () => {
  it('reads the monthly budget from config', () => {
    expect(budgetFor(component('checkout'), config).budget).toEqual({
      monthly: 1500,
      source: 'config',
    });
    expect(budgetFor(component('payments'), config).budget).toEqual({
      monthly: 800.5,
      source: 'config',
    });
  });

  it('lets the annotation win over config', () => {
    expect(budgetFor(component('checkout', ' 1200 '), config)).toEqual({
      budget: { monthly: 1200, source: 'annotation' },
    });
  });

  it('has no budget when neither says one', () => {
    expect(budgetFor(component('search'), config)).toEqual({});
    expect(budgetFor(component('search'), mockServices.rootConfig())).toEqual(
      {},
    );
  });

  it.each(['12k', '1,200', '-5', '0', '', 'USD 100'])(
    'gives no budget for the annotation %j, naming the entity and value, not the config one',
    value => {
      const result = budgetFor(component('checkout', value), config);
      expect(result.budget).toBeUndefined();
      expect(result.problem).toContain(
        `Invalid paved.dev/cost-budget annotation '${value}' on component:default/checkout`,
      );
    },
  );

  it('rejects malformed config naming the key', () => {
    const bad = (budgets: unknown) =>
      mockServices.rootConfig({ data: { cost: { budgets } } as any });
    expect(() =>
      budgetFor(
        component('checkout'),
        bad({ 'component:default/checkout': 'lots' }),
      ),
    ).toThrow(
      `Invalid config cost.budgets['component:default/checkout']: expected a positive monthly amount, got "lots"`,
    );
    expect(() =>
      budgetFor(component('checkout'), bad({ checkout: 5 })),
    ).toThrow("'checkout' is not an entity ref");
    expect(() => budgetFor(component('checkout'), bad([1]))).toThrow(
      'expected a map from entity ref to monthly amount',
    );
  });
});
