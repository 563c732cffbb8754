import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  basilUi,
  checkoutService,
  currentMetrics,
  emptyMetrics,
} from '../../__testUtils__/fixtures';
import { renderDora, serveDora } from '../../__testUtils__/render';
import { EntityDoraCard } from './EntityDoraCard';

describe('the DORA card', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the five numbers with their bands and links to the Delivery tab', async () => {
    const requests = serveDora(server, { metrics: () => currentMetrics });
    renderDora(
      <EntityProvider entity={checkoutService}>
        <EntityDoraCard />
      </EntityProvider>,
    );
    const card = await screen.findByRole('article', { name: 'Delivery' });
    const row = (title: string) =>
      within(card).getByText(title).parentElement as HTMLElement;
    expect(await within(card).findByText('1.7 / day')).toBeInTheDocument();
    expect(
      within(row('Deployment frequency')).getByText('High'),
    ).toBeInTheDocument();
    expect(
      within(row('Change lead time')).getByText('3.2 h'),
    ).toBeInTheDocument();
    expect(
      within(row('Change lead time')).getByText('Elite'),
    ).toBeInTheDocument();
    expect(
      within(row('Change fail rate')).getByText('12%'),
    ).toBeInTheDocument();
    expect(
      within(row('Failed deployment recovery time')).getByText('45 min'),
    ).toBeInTheDocument();
    expect(
      within(row('Deployment rework rate')).getByText('8%'),
    ).toBeInTheDocument();
    expect(
      within(card).getByRole('link', {
        name: 'Trends, services and deployments',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout-service/delivery',
    );
    const [read] = requests;
    expect(read.searchParams.get('entityRef')).toBe(
      'component:default/checkout-service',
    );
    expect(read.searchParams.get('environment')).toBe('production');
  });

  it('points to the tab’s instructions when there are no deployments', async () => {
    serveDora(server, { metrics: () => emptyMetrics });
    renderDora(
      <EntityProvider entity={basilUi}>
        <EntityDoraCard />
      </EntityProvider>,
    );
    expect(
      await screen.findByRole('link', {
        name: 'See how to send delivery events',
      }),
    ).toHaveAttribute('href', '/catalog/default/component/basil-ui/delivery');
    expect(screen.queryByText('0 / day')).not.toBeInTheDocument();
  });
});
