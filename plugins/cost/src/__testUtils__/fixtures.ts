import type {
  CostRankings,
  CostSourceStatus,
  EntityCost,
  UnattributedCost,
} from '@paved/plugin-cost-common';

/** The checkout service's 30 days, in euros: 1,234.56 = 1,000.00 direct + 234.56 distributed. */
export const checkoutCost: EntityCost = {
  entityRef: 'component:default/checkout-service',
  from: '2026-10-28',
  to: '2026-11-27',
  currency: 'EUR',
  granularity: 'day',
  total: 1234.56,
  direct: 1000,
  distributed: 234.56,
  byCategory: { compute: 700, memory: 300, idle: 234.56 },
  series: [
    {
      period: '2026-11-24',
      total: 40.5,
      direct: 32.4,
      distributed: 8.1,
      byCategory: { compute: 22.4, memory: 10, idle: 8.1 },
    },
    {
      period: '2026-11-25',
      total: 95.1,
      direct: 87,
      distributed: 8.1,
      byCategory: { compute: 77, memory: 10, idle: 8.1 },
    },
    {
      period: '2026-11-26',
      total: 41.25,
      direct: 33.15,
      distributed: 8.1,
      byCategory: { compute: 23.15, memory: 10, idle: 8.1 },
    },
  ],
  costPerRequest: [
    {
      period: '2026-11-24',
      cost: 40.5,
      requests: 100_000,
      costPerRequest: 0.000405,
    },
    { period: '2026-11-25', cost: 95.1, requests: 0, costPerRequest: null },
    {
      period: '2026-11-26',
      cost: 41.25,
      requests: 125_000,
      costPerRequest: 0.00033,
    },
  ],
  averageCostPerRequest: 0.000363,
  efficiency: { cpu: 0.42, ram: 0.615, total: 0.5 },
  attributedShare: 1,
  budget: { monthly: 1200, source: 'annotation' },
  forecast: {
    month: '2026-11',
    spent: 980.4,
    projected: 1310.25,
    method: 'mean of the last 7 days (41.25/day) × 4 remaining days',
    budgetUsed: 1310.25 / 1200,
  },
  anomalies: [
    {
      day: '2026-11-25',
      cost: 95.1,
      baselineMean: 40.2,
      baselineStdDev: 6.3,
      score: 8.7,
      direction: 'spike',
      change: { category: 'cloudServices', cost: 61.4, baselineMean: 7.25 },
    },
  ],
  reconciliation: [
    { month: '2026-10', allocated: 1100, billed: 1000, differencePercent: 10 },
  ],
};

/** The same service before Prometheus knew its requests. */
export const checkoutCostWithoutRequests: EntityCost = {
  ...checkoutCost,
  costPerRequest: checkoutCost.costPerRequest.map(point => ({
    ...point,
    requests: 0,
    costPerRequest: null,
  })),
  averageCostPerRequest: null,
};

/** What the backend answers for an entity no cost row matched. */
export const noCost: EntityCost = {
  ...checkoutCost,
  total: 0,
  direct: 0,
  distributed: 0,
  byCategory: {},
  series: [],
  costPerRequest: [],
  averageCostPerRequest: null,
  efficiency: { cpu: null, ram: null, total: null },
  budget: undefined,
  forecast: undefined,
  anomalies: [],
  reconciliation: [],
};

export const sources: CostSourceStatus[] = [
  {
    source: 'opencost:eu-west-prod',
    lastDay: '2026-11-26',
    lastImportAt: '2026-11-26T21:00:00.000Z',
    rows: 4200,
  },
];

export const checkoutTeamCost: EntityCost = {
  ...checkoutCost,
  entityRef: 'group:default/checkout',
  total: 5000,
  direct: 4200,
  distributed: 800,
  budget: undefined,
  forecast: undefined,
  anomalies: [],
};

export const checkoutRankings: CostRankings = {
  entityRef: 'group:default/checkout',
  from: '2026-10-28',
  to: '2026-11-27',
  currency: 'EUR',
  byCost: [
    {
      entityRef: 'component:default/payments-api',
      title: 'Payments API',
      total: 3000,
      previousTotal: 3200,
      change: -200,
      changePercent: -0.0625,
    },
    {
      entityRef: 'component:default/checkout-service',
      title: 'Checkout Service',
      total: 2000,
      previousTotal: 1000,
      change: 1000,
      changePercent: 1,
    },
  ],
  byChange: [
    {
      entityRef: 'component:default/checkout-service',
      title: 'Checkout Service',
      total: 2000,
      previousTotal: 1000,
      change: 1000,
      changePercent: 1,
    },
    {
      entityRef: 'component:default/payments-api',
      title: 'Payments API',
      total: 3000,
      previousTotal: 3200,
      change: -200,
      changePercent: -0.0625,
    },
  ],
};

export const unattributedCost: UnattributedCost = {
  from: '2026-10-28',
  to: '2026-11-27',
  currency: 'EUR',
  organisationTotal: 40_000,
  unattributed: 3_000,
  attributedShare: 0.925,
  rows: [
    {
      labels: { app: 'legacy-billing', team: 'finance' },
      cluster: 'eu-west-prod',
      namespace: 'billing',
      cost: 2_500,
    },
    { labels: {}, serviceName: 'Amazon S3', cost: 500 },
  ],
  conflicts: [
    {
      labels: { app: 'legacy-billing', team: 'finance' },
      cost: 2_500,
      claims: [
        {
          entityRef: 'component:default/billing',
          owner: 'group:default/finance',
          selector: 'app=legacy-billing',
        },
        {
          entityRef: 'component:default/ledger',
          owner: 'group:default/payments',
          selector: 'app=legacy-billing,team=finance',
        },
      ],
    },
  ],
};

export const checkoutService = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-service',
    title: 'Checkout Service',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/checkout',
    lifecycle: 'production',
  },
};

export const commerceSystem = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'commerce', title: 'Commerce' },
  spec: { owner: 'group:default/checkout' },
};

export const checkoutTeam = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'checkout', title: 'Checkout' },
  spec: { type: 'team', children: [] },
};
