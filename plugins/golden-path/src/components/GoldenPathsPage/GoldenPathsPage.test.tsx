import { screen, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { formatDay } from '@paved/portal-ui';
import type { Entity } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { GoldenPathsPage } from './GoldenPathsPage';

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'typescript-service',
    namespace: 'default',
    title: 'TypeScript service',
    description: 'An HTTP service on Node 24',
    annotations: { 'paved.dev/template-version': '1.2.0' },
  },
  spec: { type: 'service', owner: 'group:default/platform' },
};

const upgradeTemplate: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'upgrade-component',
    namespace: 'default',
    title: 'Upgrade a component to the current golden path',
  },
  spec: { type: 'upgrade', owner: 'group:default/platform' },
};

const component = (name: string, version: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'paved.dev/template': 'template:default/typescript-service',
      'paved.dev/template-version': version,
    },
  },
  // Catalog files often name the owner without kind or namespace.
  spec: { type: 'service', owner: 'checkout' },
});

/** The scorecards backend's campaign list, as the page reads it. */
function scorecardsAnswering(campaigns: unknown[]) {
  return mockApis.fetch({
    baseImplementation: async input =>
      String(input).endsWith('/api/scorecards/campaigns')
        ? new Response(JSON.stringify({ campaigns }), {
            headers: { 'content-type': 'application/json' },
          })
        : new Response('{}', { status: 404 }),
  });
}

function render(entities: Entity[], campaigns: unknown[] = []) {
  return renderInTestApp(<GoldenPathsPage />, {
    apis: [catalogApiMock({ entities }), scorecardsAnswering(campaigns)],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('GoldenPathsPage', () => {
  it('shows each template with its version, its components and which are behind', async () => {
    await render([
      template,
      component('basket-api', '1.2.0'),
      component('coupon-api', '1.0.0'),
    ]);
    expect(
      await screen.findByRole('heading', { name: 'TypeScript service' }),
    ).toBeInTheDocument();
    // The template's version, and the version the current component has.
    expect(screen.getAllByText('v1.2.0')).toHaveLength(2);
    expect(
      screen.getByText(
        '2 components created from this path; 1 behind the current version.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create' })).toHaveAttribute(
      'href',
      '/create/templates/default/typescript-service',
    );
    const rows = screen.getAllByRole('row').slice(1);
    expect(within(rows[0]).getByText('coupon-api')).toBeInTheDocument();
    expect(within(rows[0]).getByText('Behind v1.2.0')).toBeInTheDocument();
    expect(within(rows[0]).getByText('v1.0.0')).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('link', { name: 'checkout' }),
    ).toHaveAttribute('href', '/catalog/default/group/checkout');
    expect(within(rows[1]).getByText('Current')).toBeInTheDocument();
    // Without the upgrade template in the catalog there is nothing to open.
    expect(
      screen.queryByRole('link', { name: /^Upgrade/ }),
    ).not.toBeInTheDocument();
  });

  it('links components that are behind to the upgrade template, which is not a golden path', async () => {
    await render([
      template,
      upgradeTemplate,
      component('basket-api', '1.2.0'),
      component('coupon-api', '1.0.0'),
      // Created before Paved recorded answers: behind, but upgraded by hand.
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'legacy-api',
          namespace: 'default',
          annotations: {
            'backstage.io/source-template':
              'template:default/typescript-service',
            'paved.dev/template-version': '1.0.0',
          },
        },
        spec: { type: 'service', owner: 'checkout' },
      },
    ]);
    expect(
      await screen.findByRole('heading', { name: 'TypeScript service' }),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('heading', { level: 2 })).toHaveLength(1);
    expect(screen.getAllByText(/^Behind v1\.2\.0/)).toHaveLength(2);
    expect(
      screen.queryByText('Upgrade a component to the current golden path'),
    ).not.toBeInTheDocument();

    const upgrade = screen.getByRole('link', {
      name: 'Upgrade coupon-api to v1.2.0',
    });
    const href = upgrade.getAttribute('href')!;
    expect(href).toBe(
      `/create/templates/default/upgrade-component?formData=${encodeURIComponent(
        '{"component":"component:default/coupon-api"}',
      )}`,
    );
    expect(
      JSON.parse(new URLSearchParams(href.split('?')[1]).get('formData')!),
    ).toEqual({ component: 'component:default/coupon-api' });
    // Only the behind component that recorded its answers gets one.
    expect(screen.getAllByRole('link', { name: /^Upgrade/ })).toHaveLength(1);
  });

  it('explains how to register golden paths when there are none', async () => {
    await render([]);
    expect(
      await screen.findByText('No golden paths are registered'),
    ).toBeInTheDocument();
    expect(screen.getByText('templates/all.yaml')).toBeInTheDocument();
  });

  it('links the components behind to the open campaign asking them to upgrade', async () => {
    const campaign = (id: string, deadline: string, templateRef: string) => ({
      id,
      title: `Upgrade ${id}`,
      description: '',
      checks: [],
      target: { template: templateRef },
      upgradeTo: '1.2.0',
      deadline,
      createdBy: 'user:default/priya.raman',
      createdAt: '2026-11-01T00:00:00.000Z',
      targeted: 1,
      done: 0,
    });
    await render(
      [
        template,
        component('basket-api', '1.2.0'),
        component('coupon-api', '1.0.0'),
      ],
      [
        // Past its deadline, and another template's: not linked.
        campaign(
          'old',
          '2020-01-31T23:59:59.999Z',
          'template:default/typescript-service',
        ),
        campaign(
          'python',
          '2099-01-31T23:59:59.999Z',
          'template:default/python-service',
        ),
        campaign(
          'ts',
          '2099-03-31T23:59:59.999Z',
          'template:default/typescript-service',
        ),
      ],
    );
    const link = await screen.findByRole('link', {
      name: `Campaign Upgrade ts, due ${formatDay('2099-03-31T23:59:59.999Z')}`,
    });
    expect(link).toHaveAttribute('href', '/scorecards/campaigns/ts');
    expect(screen.getAllByRole('link', { name: /^Campaign / })).toHaveLength(1);
  });
});
