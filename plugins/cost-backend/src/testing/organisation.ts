import type { Entity } from '@backstage/catalog-model';
import { idle, workload } from '../testing/records';

/** A small organisation: two teams under engineering, one system. */
const component = (
  name: string,
  owner: string,
  options: { annotations?: Record<string, string>; system?: string } = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations: options.annotations },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [
    { type: 'ownedBy', targetRef: `group:default/${owner}` },
    ...(options.system
      ? [{ type: 'partOf', targetRef: `system:default/${options.system}` }]
      : []),
  ],
});

const group = (name: string, children: string[] = []): Entity => ({
  apiVersion: 'backstage.io/v1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children },
  relations: children.map(c => ({
    type: 'parentOf',
    targetRef: `group:default/${c}`,
  })),
});

export const organisation: Entity[] = [
  // Default selector from the Kubernetes id: app=checkout-svc.
  component('checkout', 'checkout-team', {
    annotations: { 'backstage.io/kubernetes-id': 'checkout-svc' },
    system: 'shop',
  }),
  // No Kubernetes id: falls back to the name, app=orders.
  component('orders', 'checkout-team', { system: 'shop' }),
  component('payments', 'payments-team', {
    annotations: {
      'paved.dev/cost-allocation': 'app in (payments,pay-api),tier!=test',
    },
  }),
  // More specific than payments for the canary's labels.
  component('payments-canary', 'payments-team', {
    annotations: {
      'paved.dev/cost-allocation': 'app=payments,track=canary,!legacy',
    },
  }),
  // Same selector: the alphabetically first entity ref wins.
  component('zeta', 'payments-team', {
    annotations: { 'paved.dev/cost-allocation': 'team=x' },
  }),
  component('alpha', 'payments-team', {
    annotations: { 'paved.dev/cost-allocation': 'team=x' },
  }),
  group('engineering', ['checkout-team', 'payments-team']),
  group('checkout-team'),
  group('payments-team'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'shop', namespace: 'default' },
    spec: { owner: 'checkout-team' },
  },
];

export const DAY = '2026-10-01';
export const window = { from: DAY, to: '2026-10-02' };

/** One day in cluster prod: 80 direct, 16 idle, 8 shared, 15 unattributed. */
export const fixture = [
  workload(DAY, { app: 'checkout-svc' }, 40),
  workload(DAY, { app: 'orders' }, 10),
  workload(DAY, { app: 'pay-api', tier: 'prod' }, 25),
  workload(DAY, { app: 'payments', track: 'canary' }, 5),
  workload(DAY, { app: 'mystery', team: 'ghosts' }, 15),
  workload(DAY, { app: 'coredns' }, 8, { namespace: 'kube-system' }),
  idle(DAY, 16),
];
