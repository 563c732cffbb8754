import { mockCredentials } from '@backstage/backend-test-utils';
import type { ActionsService } from '@backstage/backend-plugin-api/alpha';
import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ServiceContext } from './ServiceContext';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-service',
    namespace: 'default',
    title: 'Checkout Service',
    description: 'Turns a basket into an order.',
    annotations: {
      'backstage.io/techdocs-ref': 'dir:.',
      'backstage.io/source-template': 'template:default/typescript-service',
      'paved.dev/template-version': '1.2.0',
      'github.com/project-slug': 'fernhill/checkout-service',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'checkout' },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/checkout' },
    { type: 'partOf', targetRef: 'system:default/ordering' },
    { type: 'providesApi', targetRef: 'api:default/checkout-api' },
    { type: 'consumesApi', targetRef: 'api:default/payments-api' },
  ],
};
const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    title: 'Checkout team',
    links: [
      { url: 'https://chat.example.com/checkout', title: '#team-checkout' },
    ],
  },
  spec: {
    type: 'team',
    children: [],
    profile: { email: 'checkout@example.com' },
  },
};
const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'typescript-service',
    namespace: 'default',
    annotations: { 'paved.dev/template-version': '1.3.0' },
  },
  spec: { type: 'service' },
};

/** What the other plugins' actions answer; cost refuses this user. */
const outputs: Record<string, unknown> = {
  'kube-status:get-kube-status': {
    status: {
      health: 'degraded',
      workloads: [
        {
          cluster: 'prod-eu',
          environment: 'production',
          namespace: 'checkout',
          kind: 'Deployment',
          name: 'checkout-service',
          health: 'degraded',
          summary: '5/6 ready',
          replicas: { desired: 6, ready: 5, updated: 6, available: 5 },
          problems: [{}],
          checks: [
            { id: 'probes', title: 'Probes', status: 'fail', detail: '' },
            { id: 'resources', title: 'Resources', status: 'pass', detail: '' },
          ],
        },
      ],
    },
  },
  'dora:get-dora-metrics': {
    metrics: {
      from: '2026-11-04',
      to: '2026-12-04',
      environment: 'production',
      deploymentFrequency: {
        deployments: 30,
        perDay: 1,
        benchmark: { band: 'high' },
      },
      changeLeadTime: { p50: 9000, benchmark: { band: 'elite' } },
      changeFailRate: { rate: 0.1, benchmark: { band: 'high' } },
      failedDeploymentRecoveryTime: { p50: 1800, benchmark: { band: 'elite' } },
      deploymentReworkRate: { rate: 0.05, benchmark: { band: null } },
    },
  },
  'scorecards:get-scorecard': {
    scorecard: {
      level: 'silver',
      nextLevel: 'gold',
      checks: [
        { id: 'has-owner', title: 'Has an owner', outcome: 'pass', fix: '' },
        {
          id: 'live-checks',
          title: 'Live checks',
          outcome: 'fail',
          fix: 'Add probes.',
        },
      ],
    },
  },
};
const invoked: string[] = [];
const actions: ActionsService = {
  list: async () => ({ actions: [] }),
  invoke: async ({ id, input }) => {
    invoked.push(`${id} ${JSON.stringify(input)}`);
    if (id === 'cost:get-entity-cost') {
      throw new NotAllowedError('You may not read this cost');
    }
    return { output: outputs[id] as any };
  },
};

const context = () =>
  new ServiceContext({
    actions,
    catalog: catalogServiceMock({ entities: [checkout, team, template] }),
    appBaseUrl: 'https://portal.example.com',
  });

describe('the briefing on a service', () => {
  it('gathers who owns it, what it talks to, its docs and golden path, and how it runs, ships and scores', async () => {
    const briefing = await context().of(
      'checkout-service',
      mockCredentials.user(),
    );
    expect(briefing).toMatchObject({
      entityRef: 'component:default/checkout-service',
      title: 'Checkout Service',
      url: 'https://portal.example.com/catalog/default/component/checkout-service',
      owner: {
        entityRef: 'group:default/checkout',
        title: 'Checkout team',
        email: 'checkout@example.com',
        links: [
          { title: '#team-checkout', url: 'https://chat.example.com/checkout' },
        ],
      },
      system: 'system:default/ordering',
      providesApis: ['api:default/checkout-api'],
      consumesApis: ['api:default/payments-api'],
      repository: { githubSlug: 'fernhill/checkout-service' },
      docs: {
        entityRef: 'component:default/checkout-service',
        url: 'https://portal.example.com/docs/default/component/checkout-service/',
      },
      goldenPath: {
        template: 'template:default/typescript-service',
        version: '1.2.0',
        currentVersion: '1.3.0',
      },
      running: {
        available: true,
        health: 'degraded',
        workloads: [
          expect.objectContaining({
            replicas: '5/6 ready',
            problems: 1,
            failingLiveChecks: ['Probes'],
          }),
        ],
      },
      delivery: {
        available: true,
        deploymentsPerDay: 1,
        changeLeadTimeHoursP50: 2.5,
        failedDeploymentRecoveryHoursP50: 0.5,
        changeFailRate: 0.1,
        bands: { changeLeadTime: 'elite', deploymentReworkRate: null },
      },
      scorecard: {
        available: true,
        level: 'silver',
        failing: [
          { id: 'live-checks', title: 'Live checks', fix: 'Add probes.' },
        ],
      },
    });
    // Refused as the cost route refuses it, and said so.
    expect(briefing.cost).toEqual({
      available: false,
      reason: 'not allowed: You may not read this cost',
    });
    expect(invoked).toContain(
      'dora:get-dora-metrics {"entityRef":"component:default/checkout-service"}',
    );
  });

  it('says when the entity is not there for this user', async () => {
    await expect(
      context().of('component:default/ghost', mockCredentials.user()),
    ).rejects.toThrow('No entity component:default/ghost');
  });
});
