import { act, screen, waitFor, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  checkoutRankings,
  checkoutTeam,
  checkoutTeamCost,
  noCost,
  unattributedCost,
} from '../../__testUtils__/fixtures';
import { renderCost, serveCost } from '../../__testUtils__/render';
import { GroupCostContent } from './GroupCostContent';

describe('the Cost tab of a group', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the team total and ranks its components by cost and by change, linking to their Cost tabs', async () => {
    const requests = serveCost(server, {
      entity: () => checkoutTeamCost,
      rankings: () => checkoutRankings,
    });
    await renderCost(checkoutTeam, <GroupCostContent />);

    const total = await screen.findByRole('article', { name: 'Total' });
    expect(within(total).getByText('€5,000.00')).toBeInTheDocument();

    const byCost = await screen.findByRole('grid', {
      name: 'Components by cost',
    });
    const costRows = within(byCost).getAllByRole('row').slice(1);
    expect(costRows.map(row => row.textContent)).toEqual([
      'Payments API€3,000.0060%',
      'Checkout Service€2,000.0040%',
    ]);
    expect(
      within(costRows[0]).getByRole('link', { name: 'Payments API' }),
    ).toHaveAttribute('href', '/catalog/default/component/payments-api/cost');

    const byChange = screen.getByRole('grid', {
      name: 'Components by change',
    });
    const changeRows = within(byChange).getAllByRole('row').slice(1);
    expect(changeRows.map(row => row.textContent)).toEqual([
      'Checkout Service+€1,000.00 (+100%)€1,000.00',
      'Payments API−€200.00 (−6.3%)€3,200.00',
    ]);

    for (const path of ['/entity', '/rankings']) {
      const read = requests.find(url => url.pathname.endsWith(path))!;
      expect(read.searchParams.get('entityRef')).toBe('group:default/checkout');
    }
  });

  it('shows no unattributed cost to someone who is not an admin', async () => {
    const requests = serveCost(server, {
      entity: () => checkoutTeamCost,
      rankings: () => checkoutRankings,
    });
    await renderCost(checkoutTeam, <GroupCostContent />);
    await screen.findByRole('grid', { name: 'Components by cost' });
    await waitFor(() =>
      expect(requests.some(url => url.pathname.endsWith('/unattributed'))).toBe(
        true,
      ),
    );
    // Let the 403 arrive and render: nothing about it shows.
    await act(() => new Promise(resolve => setTimeout(resolve, 100)));
    expect(
      screen.queryByRole('article', {
        name: 'Unattributed cost of the organisation',
      }),
    ).toBeNull();
    expect(screen.queryByText(/Only portal admins/)).toBeNull();
  });

  it('shows an admin the unattributed share of the organisation with the labels that matched nothing', async () => {
    serveCost(server, {
      entity: () => checkoutTeamCost,
      rankings: () => checkoutRankings,
      unattributed: () => unattributedCost,
    });
    await renderCost(checkoutTeam, <GroupCostContent />);
    const section = await screen.findByRole('article', {
      name: 'Unattributed cost of the organisation',
    });
    expect(section).toHaveTextContent(
      '€3,000.00 of €40,000.00 (7.5%) matched no catalog entity; 93% is attributed',
    );
    const rows = within(
      within(section).getByRole('grid', { name: 'Unmatched labels' }),
    )
      .getAllByRole('row')
      .slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      'app=legacy-billingteam=financeeu-west-prod / billing€2,500.00',
      'no labelsAmazon S3€500.00',
    ]);
    const conflicts = within(
      within(section).getByRole('grid', {
        name: 'Conflicting allocation claims',
      }),
    )
      .getAllByRole('row')
      .slice(1);
    expect(conflicts.map(row => row.textContent)).toEqual([
      'app=legacy-billingteam=finance' +
        'component:default/billing (group:default/finance): app=legacy-billing' +
        'component:default/ledger (group:default/payments): app=legacy-billing,team=finance' +
        '€2,500.00',
    ]);
  });

  it('still shows an admin the unattributed cost when the team itself has none', async () => {
    serveCost(server, {
      entity: () => noCost,
      unattributed: () => unattributedCost,
    });
    await renderCost(checkoutTeam, <GroupCostContent />);
    expect(
      await screen.findByRole('region', { name: 'How cost is matched' }),
    ).toHaveTextContent('A group’s cost is the sum of its components’');
    expect(
      await screen.findByRole('article', {
        name: 'Unattributed cost of the organisation',
      }),
    ).toBeInTheDocument();
  });
});
