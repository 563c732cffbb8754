import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type {
  Measure,
  TeamOutcome,
  TeamOutcomes,
} from '@paved/plugin-outcomes-common';
import { renderInPortal, serveReads } from '@paved/portal-ui/testUtils';
import { outcomesApi } from '../../plugin';
import { labelSides, OrganisationPage } from './OrganisationPage';

const m = (value: number | null, previous: number | null = value): Measure => ({
  value,
  previous,
  change: value !== null && previous ? (value - previous) / previous : null,
  verdict: value === previous ? 'steady' : 'worse',
  n: 10,
});

const team = (
  name: string,
  title: string,
  numbers: { perDay: number; failRate: number; cost: number },
  signals: TeamOutcome['signals'] = [],
): TeamOutcome => ({
  entityRef: `group:default/${name}`,
  title,
  speed: {
    changeLeadTime: m(3600 * 6),
    deploymentFrequency: m(numbers.perDay),
    failedDeploymentRecoveryTime: m(3600),
  },
  stability: {
    changeFailRate: m(numbers.failRate, 0.1),
    deploymentReworkRate: m(0.05),
  },
  cost: {
    total: m(numbers.cost),
    perDeployment: m(numbers.cost / (numbers.perDay * 30)),
    perChange: m(null),
    perRequest: m(null),
  },
  signals,
});

const answer = (url: URL): TeamOutcomes => ({
  environment: 'production',
  window: {
    from: url.searchParams.get('from')!,
    to: url.searchParams.get('to')!,
  },
  previousWindow: { from: '2026-10-01', to: url.searchParams.get('from')! },
  currency: 'USD',
  truncated: false,
  teams: [
    team('checkout', 'Checkout', { perDay: 3, failRate: 0.04, cost: 900 }),
    team(
      'fulfilment',
      'Fulfilment',
      { perDay: 2.3, failRate: 0.39, cost: 437.57 },
      [
        {
          rule: 'speed-without-stability',
          tone: 'warning',
          title: 'Speed is hiding instability',
          message: '…',
          evidence: [],
          drillDown: {
            view: 'delivery',
            entityRef: 'group:default/fulfilment',
          },
        },
      ],
    ),
    team('logistics', 'Logistics Routing', {
      perDay: 0.15,
      failRate: 0.3,
      cost: 120,
    }),
  ],
});

describe('the organisation’s Outcomes page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lists every team with its numbers and signals, sortable, with links to each team', async () => {
    serveReads(server, 'outcomes', { teams: answer });
    renderInPortal(<OrganisationPage />, { extensions: [outcomesApi] });
    const table = await screen.findByRole('table', { name: 'Every team' });
    const teamsInOrder = () =>
      within(table)
        .getAllByRole('rowheader')
        .map(cell => within(cell).getByRole('link').textContent);
    expect(teamsInOrder()).toEqual([
      'Checkout',
      'Fulfilment',
      'Logistics Routing',
    ]);

    const fulfilment = within(table).getByRole('row', { name: /Fulfilment/ });
    expect(within(fulfilment).getByText('39%')).toBeInTheDocument();
    expect(within(fulfilment).getByText('+29 pts')).toHaveAttribute(
      'data-tone',
      'negative',
    );
    expect(within(fulfilment).getByText('$437.57')).toBeInTheDocument();
    expect(
      within(fulfilment).getByText('Speed is hiding instability'),
    ).toBeInTheDocument();
    expect(
      within(fulfilment).getByRole('link', { name: 'Fulfilment' }),
    ).toHaveAttribute('href', '/catalog/default/group/fulfilment/outcomes');

    // Sorting by change fail rate puts the most stable team first.
    await userEvent.click(
      within(table).getByRole('button', { name: 'Change fail rate' }),
    );
    expect(teamsInOrder()).toEqual([
      'Checkout',
      'Logistics Routing',
      'Fulfilment',
    ]);
    expect(
      within(table).getByRole('columnheader', { name: /Change fail rate/ }),
    ).toHaveAttribute('aria-sort', 'ascending');
    // Deployment frequency sorts the most frequent first.
    await userEvent.click(
      within(table).getByRole('button', { name: 'Deployment frequency' }),
    );
    expect(teamsInOrder()).toEqual([
      'Checkout',
      'Fulfilment',
      'Logistics Routing',
    ]);

    // The map's teams, for screen readers.
    expect(
      screen.getByRole('table', { name: 'Teams by speed, stability and cost' }),
    ).toBeInTheDocument();
  });
});

describe('the map’s team names', () => {
  it('names a team below its circle when a neighbour is named above, so names do not overprint', () => {
    const point = (name: string, frequency: number, failRate: number) => ({
      name,
      frequency,
      failRate,
      cost: 1,
    });
    const sides = labelSides([
      point('Site Reliability Engineering', 0.7, 0.1),
      point('Data Platform', 0.83, 0.08),
      point('Checkout', 6.5, 0.04),
      point('Fulfilment', 2.1, 0.4),
    ]);
    expect(sides.above.map(p => p.name)).toEqual([
      'Site Reliability Engineering',
      'Fulfilment',
      'Checkout',
    ]);
    expect(sides.below.map(p => p.name)).toEqual(['Data Platform']);
  });
});
