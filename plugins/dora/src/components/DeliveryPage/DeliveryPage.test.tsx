import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { coreApis } from '@backstage/frontend-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { metricsFixture, previousMetrics } from '../../__testUtils__/fixtures';
import {
  isPreviousWindow,
  renderDora,
  serveDora,
} from '../../__testUtils__/render';
import { DeliveryPage } from './DeliveryPage';

const team = (name: string, displayName: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', profile: { displayName }, children: [] },
});

const catalog = catalogApiMock({
  entities: [
    team('checkout', 'Checkout'),
    team('payments', 'Payments'),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'engineering' },
      spec: { type: 'department', children: [] },
    },
  ],
});

const checkoutTeam = metricsFixture({
  entityRef: 'group:default/checkout',
  deployments: 60,
  leadTimeP50: 2 * 3600,
  failed: 3,
  recoveryP50: 1800,
});
const paymentsTeam = metricsFixture({
  entityRef: 'group:default/payments',
  deployments: 9,
  bucket: 'weekly',
  leadTimeP50: 5 * 86400,
  failed: 3,
  recoveryP50: 30 * 3600,
});

function breakdownOf(entityRef: string | null) {
  return {
    entityRef,
    environment: 'production',
    from: '',
    to: '',
    services:
      entityRef === 'group:default/checkout'
        ? [
            {
              entityRef: 'component:default/checkout-service',
              metrics: metricsFixture({ deployments: 50, leadTimeP50: 3600 }),
            },
            {
              entityRef: 'component:default/voucher-service',
              metrics: metricsFixture({
                deployments: 10,
                leadTimeP50: 9 * 86400,
                bucket: 'weekly',
              }),
            },
            {
              entityRef: 'component:default/orders-service',
              metrics: metricsFixture({ deployments: 0 }),
            },
          ]
        : [],
  };
}

const server = setupServer();
registerMswTestHooks(server);

function render(options: { admin?: boolean; route?: string } = {}) {
  const requests = serveDora(server, {
    metrics: url => {
      if (isPreviousWindow(url)) return previousMetrics;
      return url.searchParams.get('entityRef') === 'group:default/payments'
        ? paymentsTeam
        : checkoutTeam;
    },
    breakdown: url => breakdownOf(url.searchParams.get('entityRef')),
    ...(options.admin
      ? {
          unattributed: () => ({
            services: [{ service: 'legacy-billing', events: 312 }],
          }),
        }
      : {}),
  });
  const result = renderDora(<DeliveryPage />, {
    apis: [
      catalog,
      mockApis.identity({
        userEntityRef: 'user:default/rajesh.iyer',
        ownershipEntityRefs: [
          'user:default/rajesh.iyer',
          'group:default/checkout',
        ],
      }),
    ],
    config: {
      organization: { name: 'Fernhill' },
      dora: { demo: { enabled: true } },
    },
    initialRouteEntries: options.route ? [options.route] : undefined,
  });
  return { requests, result };
}

describe('the Delivery page', () => {
  it('opens on the signed-in user’s team, labelled as demo data', async () => {
    const { requests } = render();

    const frequency = await screen.findByRole('article', {
      name: 'Deployment frequency',
    });
    expect(within(frequency).getByText('2 / day')).toBeInTheDocument();
    expect(screen.getByText('Demo data')).toBeInTheDocument();
    expect(
      requests
        .find(url => url.pathname.endsWith('/metrics'))!
        .searchParams.get('entityRef'),
    ).toBe('group:default/checkout');
  });

  it('ranks the team’s services by a metric, linking to each', async () => {
    render();
    const services = await screen.findByRole('region', { name: 'Services' });
    const table = await within(services).findByRole('grid');
    const names = () =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map(row => within(row).getAllByRole('rowheader')[0].textContent);
    // Slowest lead time first; a service without deployments last.
    expect(names()).toEqual([
      'voucher-service',
      'checkout-service',
      'orders-service',
    ]);
    expect(
      within(table).getByRole('link', { name: 'voucher-service' }),
    ).toHaveAttribute('href', '/catalog/default/component/voucher-service');

    // Most frequent first on the second click.
    const frequencyHeader = within(table).getByRole('columnheader', {
      name: /Frequency/,
    });
    await userEvent.click(frequencyHeader);
    await userEvent.click(frequencyHeader);
    await waitFor(() =>
      expect(names()).toEqual([
        'checkout-service',
        'voucher-service',
        'orders-service',
      ]),
    );
    // The partial state says which services sent nothing.
    expect(
      screen.getByText(
        /1 service sent no deployments in this window: orders-service/,
      ),
    ).toBeInTheDocument();
  });

  it('switches team and keeps the choice in the URL', async () => {
    const { requests, result } = render({ route: '/delivery?window=90' });
    await screen.findByRole('article', { name: 'Deployment frequency' });

    await userEvent.click(screen.getByRole('button', { name: /Team/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Payments' }),
    );

    await waitFor(() =>
      expect(
        within(
          screen.getByRole('article', { name: 'Change lead time' }),
        ).getByText('5 d'),
      ).toBeInTheDocument(),
    );
    const paymentsRead = requests.find(
      url =>
        url.pathname.endsWith('/metrics') &&
        url.searchParams.get('entityRef') === 'group:default/payments',
    )!;
    // The 90-day window from the URL is kept.
    expect(
      (Date.parse(paymentsRead.searchParams.get('to')!) -
        Date.parse(paymentsRead.searchParams.get('from')!)) /
        86_400_000,
    ).toBe(90);
    const history = result.apis.get(coreApis.appHistory)!;
    expect(history.getSnapshot().location.search).toContain(
      'team=group%3Adefault%2Fpayments',
    );
    expect(history.getSnapshot().location.search).toContain('window=90');
  });

  it('reads the ranking again with the metrics, so both show the same state', async () => {
    let attributed = false;
    serveDora(server, {
      metrics: url => {
        if (!attributed) {
          return metricsFixture({ deployments: 0, unattributedEvents: 9000 });
        }
        return isPreviousWindow(url) ? previousMetrics : checkoutTeam;
      },
      breakdown: url =>
        attributed
          ? breakdownOf(url.searchParams.get('entityRef'))
          : { ...breakdownOf(null), services: [] },
    });
    renderDora(<DeliveryPage />, {
      apis: [
        catalog,
        mockApis.identity({ ownershipEntityRefs: ['group:default/checkout'] }),
      ],
    });
    const checkAgain = await screen.findByRole('button', {
      name: 'Check again',
    });
    attributed = true;
    await userEvent.click(checkAgain);
    const services = await screen.findByRole('region', { name: 'Services' });
    expect(
      await within(services).findByRole('link', { name: 'voucher-service' }),
    ).toBeInTheDocument();
    expect(within(services).getByText('9 d')).toBeInTheDocument();
  });

  it('lists unattributed services to admins only', async () => {
    render({ admin: true });
    expect(
      await screen.findByRole('article', {
        name: 'Events no component claims',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('legacy-billing')).toBeInTheDocument();
    expect(screen.getByText('312 events')).toBeInTheDocument();
  });

  it('shows nothing about unattributed services to everyone else', async () => {
    render();
    await screen.findByRole('article', { name: 'Deployment frequency' });
    expect(
      screen.queryByRole('article', { name: 'Events no component claims' }),
    ).not.toBeInTheDocument();
  });
});
