import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  checkoutCost,
  checkoutCostWithoutRequests,
  checkoutRankings,
  checkoutService,
  commerceSystem,
  noCost,
} from '../../__testUtils__/fixtures';
import {
  errorResponse,
  renderCost,
  serveCost,
} from '../../__testUtils__/render';
import { EntityCostContent } from './EntityCostContent';

const DAY_MS = 86_400_000;

function daysBetween(url: URL) {
  return (
    (Date.parse(url.searchParams.get('to')!) -
      Date.parse(url.searchParams.get('from')!)) /
    DAY_MS
  );
}

describe('the Cost tab of a component', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const renderTab = (options?: { initialRouteEntries?: string[] }) =>
    renderCost(checkoutService, <EntityCostContent />, options);

  it('shows the total in the entity’s currency, split into direct and distributed', async () => {
    const requests = serveCost(server, { entity: () => checkoutCost });
    await renderTab();

    const total = await screen.findByRole('article', { name: 'Total' });
    expect(within(total).getByText('€1,234.56')).toBeInTheDocument();
    expect(within(total).getByText(/Last 30 days/)).toBeInTheDocument();
    const direct = screen.getByRole('article', { name: 'Direct' });
    expect(within(direct).getByText('€1,000.00')).toBeInTheDocument();
    expect(within(direct).getByText(/81% of the total/)).toBeInTheDocument();
    const distributed = screen.getByRole('article', { name: 'Distributed' });
    expect(within(distributed).getByText('€234.56')).toBeInTheDocument();

    // The last 30 UTC days through today, per day.
    const read = requests.find(url => url.pathname.endsWith('/entity'))!;
    expect(read.searchParams.get('entityRef')).toBe(
      'component:default/checkout-service',
    );
    expect(read.searchParams.get('granularity')).toBe('day');
    expect(daysBetween(read)).toBe(30);
    expect(read.searchParams.get('to')).toBe(
      new Date(Date.now() + DAY_MS).toISOString().slice(0, 10),
    );
  });

  it('gives the trend chart a table of the same numbers', async () => {
    serveCost(server, { entity: () => checkoutCost });
    const { container } = await renderTab();
    const table = await screen.findByRole('table', {
      name: 'Cost per day by category, last 30 days',
    });
    // A bar per day for each category with cost, stacked; none for the others.
    await waitFor(() =>
      expect(
        container.querySelectorAll(
          '.cost-category-compute .recharts-bar-rectangle',
        ),
      ).toHaveLength(3),
    );
    expect(
      container.querySelectorAll('.cost-category-idle .recharts-bar-rectangle'),
    ).toHaveLength(3);
    expect(container.querySelector('.cost-category-gpu')).toBeNull();
    const rows = within(table).getAllByRole('row');
    expect(rows[0]).toHaveTextContent('PeriodTotalComputeMemoryIdle');
    expect(rows[2]).toHaveTextContent('25 Nov 2026€95.10€77.00€10.00€8.10');
  });

  it('shows the month-end forecast with its method against the budget', async () => {
    serveCost(server, { entity: () => checkoutCost });
    await renderTab();
    const card = await screen.findByRole('article', {
      name: 'Budget and forecast',
    });
    const fact = (term: string) =>
      within(card).getByText(term).parentElement as HTMLElement;
    expect(fact('Spent in Nov 2026')).toHaveTextContent('€980.40');
    expect(fact('Month-end forecast')).toHaveTextContent('€1,310.25');
    expect(
      fact('Monthly budget (from the paved.dev/cost-budget annotation)'),
    ).toHaveTextContent('€1,200.00');
    expect(fact('Forecast vs budget')).toHaveTextContent(
      '109% of budget · over budget',
    );
    expect(
      within(card).getByText(
        'Forecast: mean of the last 7 days (41.25/day) × 4 remaining days',
      ),
    ).toBeInTheDocument();
  });

  it('says why there is no budget when the annotation is not an amount', async () => {
    const problem =
      'Invalid paved.dev/cost-budget annotation \'12k\' on component:default/checkout-service: expected a positive monthly amount such as "1200" or "1200.50"';
    const { budget: _budget, ...withoutBudget } = checkoutCost;
    const { budgetUsed: _used, ...forecast } = checkoutCost.forecast!;
    serveCost(server, {
      entity: () => ({ ...withoutBudget, forecast, budgetProblem: problem }),
    });
    await renderTab();
    const card = await screen.findByRole('article', {
      name: 'Budget and forecast',
    });
    expect(within(card).getByText(`No budget: ${problem}`)).toBeInTheDocument();
    expect(within(card).queryByText(/No budget set/)).not.toBeInTheDocument();
    expect(within(card).queryByText('Forecast vs budget')).toBeNull();
  });

  it('lists an anomaly with what changed, its baseline and score', async () => {
    serveCost(server, { entity: () => checkoutCost });
    await renderTab();
    const table = await screen.findByRole('grid', { name: 'Cost anomalies' });
    const [, row] = within(table).getAllByRole('row');
    expect(
      within(row)
        .getAllByRole('gridcell')
        .map(cell => cell.textContent),
    ).toEqual([
      '€95.10',
      'Cloud services rose to €61.40, from €7.25 a day on average',
      '€40.20 ± €6.30',
      '8.7 sd above',
    ]);
    expect(within(row).getByRole('rowheader')).toHaveTextContent('25 Nov 2026');
  });

  it('shows efficiency and the reconciliation with the bill', async () => {
    serveCost(server, { entity: () => checkoutCost });
    await renderTab();
    const efficiency = await screen.findByRole('article', {
      name: 'Efficiency',
    });
    expect(within(efficiency).getByText('CPU').parentElement).toHaveTextContent(
      '42%',
    );
    expect(
      within(efficiency).getByText('Memory').parentElement,
    ).toHaveTextContent('62%');
    const reconciliation = screen.getByRole('grid', {
      name: 'Reconciliation per month',
    });
    expect(within(reconciliation).getAllByRole('row')[1]).toHaveTextContent(
      'Oct 2026€1,100.00€1,000.00+10%',
    );
    expect(
      screen.getByText(/its share of the bill for the clusters. nodes/),
    ).toBeInTheDocument();
  });

  it('shows the average cost per request and no value, not zero, for a day without requests', async () => {
    serveCost(server, { entity: () => checkoutCost });
    await renderTab();
    const card = await screen.findByRole('article', {
      name: 'Cost per request',
    });
    expect(
      within(card).getByText('Average in the window').parentElement,
    ).toHaveTextContent('€0.000363');
    const table = within(card).getByRole('table', {
      name: 'Cost per request per period',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('24 Nov 2026€0.000405100,000');
    expect(rows[2]).toHaveTextContent('25 Nov 2026No requests0');
  });

  it('says how to get request data when there is none', async () => {
    serveCost(server, { entity: () => checkoutCostWithoutRequests });
    await renderTab();
    const card = await screen.findByRole('article', {
      name: 'Cost per request',
    });
    expect(within(card).getByText(/No request data/)).toHaveTextContent(
      'prometheus.io/request-rate-query',
    );
    expect(within(card).queryByText(/€/)).not.toBeInTheDocument();
    expect(within(card).queryByRole('table')).not.toBeInTheDocument();
  });

  it('tells someone outside the owning team who may see the cost', async () => {
    serveCost(server, {
      entity: () =>
        errorResponse(403, 'NotAllowedError', 'You may not read this cost'),
    });
    await renderTab();
    expect(
      await screen.findByText('You may not see this cost'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/members of the team that owns this entity/),
    ).toHaveTextContent('(group:default/checkout) and to portal admins');
    expect(screen.queryByRole('article', { name: 'Total' })).toBeNull();
    expect(screen.queryByText(/HTTP 403/)).toBeNull();
  });

  it('shows the backend’s error for any other failure', async () => {
    serveCost(server, {
      entity: () => errorResponse(500, 'Error', 'The cost store is down'),
    });
    await renderTab();
    expect(
      await screen.findByText(/The cost store is down/),
    ).toBeInTheDocument();
    expect(screen.queryByText('You may not see this cost')).toBeNull();
  });

  it('explains how to connect a source when none is connected', async () => {
    serveCost(server, { entity: () => noCost, sources: () => [] });
    await renderTab();
    const help = await screen.findByRole('region', {
      name: 'How to connect a cost source',
    });
    expect(
      within(help).getByText('No cost source is connected'),
    ).toBeInTheDocument();
    expect(
      within(help).getByLabelText('OpenCost configuration'),
    ).toHaveTextContent(/cost:\s+opencost:\s+clusters:/);
    expect(
      within(help).getByLabelText('FOCUS configuration'),
    ).toHaveTextContent(/cost:\s+focus:\s+imports:/);
    expect(screen.queryByRole('article', { name: 'Total' })).toBeNull();
    expect(screen.queryByText('Download CSV')).toBeNull();
  });

  it('explains the allocation annotation when sources exist but nothing matched the component', async () => {
    serveCost(server, { entity: () => noCost });
    await renderTab();
    const help = await screen.findByRole('region', {
      name: 'How cost is matched',
    });
    expect(help).toHaveTextContent(
      'No cost for Checkout Service in the last 30 days',
    );
    expect(help).toHaveTextContent(
      'This component has no selector, so the default app=checkout',
    );
    expect(
      within(help).getByLabelText('Allocation annotation'),
    ).toHaveTextContent('paved.dev/cost-allocation: app=checkout');
  });

  it('says why a selector of negations only gets no cost', async () => {
    const problem =
      "paved.dev/cost-allocation '!team' is not used: it has only negations (!key, key!=value, notin), which would claim every row without those labels; add a positive requirement such as key=value. No cost is allocated to component:default/checkout-service.";
    serveCost(server, {
      entity: () => ({ ...noCost, allocationProblem: problem }),
    });
    await renderTab();
    expect(
      await screen.findByText(`Cost allocation: ${problem}`),
    ).toBeInTheDocument();
  });

  it('says why a request-rate query was refused', async () => {
    const problem =
      'prometheus.io/request-rate-query is refused: it reads node_cpu_seconds_total, which is not an allowed request metric';
    serveCost(server, {
      entity: () => ({
        ...checkoutCostWithoutRequests,
        costPerRequestProblem: problem,
      }),
    });
    await renderTab();
    const card = await screen.findByRole('article', {
      name: 'Cost per request',
    });
    expect(
      within(card).getByText(`No cost per request: ${problem}`),
    ).toBeInTheDocument();
    expect(within(card).queryByText(/No request data/)).toBeNull();
  });

  it('links the CSV export of the entity and window', async () => {
    serveCost(server, { entity: () => checkoutCost });
    await renderTab();
    const link = await screen.findByRole('link', { name: 'Download CSV' });
    const href = new URL(link.getAttribute('href')!);
    expect(href.origin + href.pathname).toBe(
      'http://localhost:7007/api/cost/export.csv',
    );
    expect(href.searchParams.get('entityRef')).toBe(
      'component:default/checkout-service',
    );
    expect(href.searchParams.get('to')).toBe(
      new Date(Date.now() + DAY_MS).toISOString().slice(0, 10),
    );
    expect(daysBetween(href)).toBe(30);
  });

  it('reads the window and granularity from the URL and changes them there', async () => {
    const requests = serveCost(server, {
      entity: url => ({
        ...checkoutCost,
        granularity: url.searchParams.get('granularity') as 'day' | 'month',
      }),
    });
    await renderTab({ initialRouteEntries: ['/?window=90&granularity=month'] });
    await screen.findByRole('article', { name: 'Total' });
    const first = requests.find(url => url.pathname.endsWith('/entity'))!;
    expect(daysBetween(first)).toBe(90);
    expect(first.searchParams.get('granularity')).toBe('month');

    await userEvent.click(screen.getByRole('radio', { name: 'Day' }));
    expect(
      await screen.findByRole('table', {
        name: 'Cost per day by category, last 90 days',
      }),
    ).toBeInTheDocument();
    const last = requests
      .filter(url => url.pathname.endsWith('/entity'))
      .pop()!;
    expect(last.searchParams.get('granularity')).toBe('day');
    expect(daysBetween(last)).toBe(90);
  });
});

describe('the Cost tab of a system', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('ranks the system’s components', async () => {
    const requests = serveCost(server, {
      entity: () => ({ ...checkoutCost, entityRef: 'system:default/commerce' }),
      rankings: () => checkoutRankings,
    });
    await renderCost(commerceSystem, <EntityCostContent />);
    const byCost = await screen.findByRole('grid', {
      name: 'Components by cost',
    });
    expect(
      within(byCost)
        .getAllByRole('rowheader')
        .map(cell => cell.textContent),
    ).toEqual(['Payments API', 'Checkout Service']);
    const ranking = requests.find(url => url.pathname.endsWith('/rankings'))!;
    expect(ranking.searchParams.get('entityRef')).toBe(
      'system:default/commerce',
    );
  });

  it('does not ask a component for rankings', async () => {
    const requests = serveCost(server, { entity: () => checkoutCost });
    await renderCost(checkoutService, <EntityCostContent />);
    await screen.findByRole('article', { name: 'Total' });
    expect(requests.some(url => url.pathname.endsWith('/rankings'))).toBe(
      false,
    );
    expect(
      screen.queryByRole('grid', { name: 'Components by cost' }),
    ).toBeNull();
  });
});
