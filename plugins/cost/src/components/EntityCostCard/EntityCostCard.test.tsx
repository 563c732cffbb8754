import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  checkoutCost,
  checkoutCostWithoutRequests,
  checkoutService,
} from '../../__testUtils__/fixtures';
import {
  errorResponse,
  renderCost,
  serveCost,
} from '../../__testUtils__/render';
import { EntityCostCard } from './EntityCostCard';

/** The current window ends tomorrow; the previous one ends 29 days ago. */
function isPreviousWindow(url: URL) {
  return Date.parse(url.searchParams.get('to')!) < Date.now() - 2 * 86_400_000;
}

describe('the cost card', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the last 30 days against the 30 before, the split, cost per request and budget', async () => {
    serveCost(server, {
      entity: url =>
        isPreviousWindow(url) ? { ...checkoutCost, total: 1000 } : checkoutCost,
    });
    await renderCost(checkoutService, <EntityCostCard />);
    const card = await screen.findByRole('article', { name: 'Cost' });
    const fact = (term: string) =>
      within(card).getByText(term).parentElement as HTMLElement;
    expect(await within(card).findByText('€1,234.56')).toBeInTheDocument();
    expect(fact('vs previous 30 days')).toHaveTextContent('+€234.56 (+23%)');
    expect(fact('Direct / distributed')).toHaveTextContent(
      '€1,000.00 / €234.56',
    );
    expect(fact('Cost per request')).toHaveTextContent('€0.000363');
    expect(fact('Budget')).toHaveTextContent('109% forecast · over');
    expect(
      within(card).getByRole('link', { name: 'Trend, budget and anomalies' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout-service/cost',
    );
  });

  it('keeps its numbers without the comparison, and says when there is no request data', async () => {
    serveCost(server, {
      entity: url =>
        isPreviousWindow(url)
          ? errorResponse(500, 'Error', 'boom')
          : checkoutCostWithoutRequests,
    });
    await renderCost(checkoutService, <EntityCostCard />);
    const card = await screen.findByRole('article', { name: 'Cost' });
    expect(await within(card).findByText('€1,234.56')).toBeInTheDocument();
    expect(within(card).queryByText('vs previous 30 days')).toBeNull();
    expect(
      within(card).getByText('Cost per request').parentElement,
    ).toHaveTextContent('No request data');
  });

  it('says who may see the cost instead of an error', async () => {
    serveCost(server, {
      entity: () => errorResponse(403, 'NotAllowedError', 'no'),
    });
    await renderCost(checkoutService, <EntityCostCard />);
    expect(
      await screen.findByText(
        'Only members of the team that owns this component and portal admins see its cost.',
      ),
    ).toBeInTheDocument();
  });

  it('points to the tab’s instructions when no source is connected', async () => {
    serveCost(server, { entity: () => checkoutCost, sources: () => [] });
    await renderCost(checkoutService, <EntityCostCard />);
    expect(
      await screen.findByRole('link', { name: 'See how to connect one' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout-service/cost',
    );
    expect(screen.queryByText('€1,234.56')).toBeNull();
  });
});
