import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Measure, Outcomes } from '@paved/plugin-outcomes-common';
import {
  errorResponse,
  renderForEntity,
  serveReads,
} from '@paved/portal-ui/testUtils';
import { outcomesApi } from '../plugin';
import { EntityOutcomesContent } from './EntityOutcomesContent';
import { EntityOutcomesCard } from './EntityOutcomesCard';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'team', children: [] },
};
const ledger: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ledger', namespace: 'default' },
  spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
};

const measure = (
  value: number | null,
  previous: number | null,
  verdict: Measure['verdict'],
  extra: Partial<Measure> = {},
): Measure => ({
  value,
  previous,
  change: value !== null && previous ? (value - previous) / previous : null,
  verdict,
  n: 20,
  ...extra,
});

/** A team that ships faster while failing more, as the API answers it. */
function outcomesOf(url: URL): Outcomes {
  const from = url.searchParams.get('from')!;
  const to = url.searchParams.get('to')!;
  return {
    entityRef: url.searchParams.get('entityRef'),
    environment: 'production',
    window: { from, to },
    previousWindow: { from: '2026-10-01', to: from },
    currency: 'EUR',
    speed: {
      changeLeadTime: measure(3600 * 5, 3600 * 10, 'better', { band: 'elite' }),
      deploymentFrequency: measure(2, 1, 'better', { band: 'high' }),
      failedDeploymentRecoveryTime: measure(3600, 3600, 'steady', {
        band: 'elite',
      }),
    },
    stability: {
      changeFailRate: measure(0.3, 0.1, 'worse', { band: 'low' }),
      deploymentReworkRate: measure(0.05, 0.05, 'steady', { band: null }),
    },
    cost: {
      total: measure(1234.5, 1000, 'worse'),
      perDeployment: measure(20.58, 33.33, 'better'),
      perChange: measure(10.29, 16.67, 'better'),
      perRequest: measure(null, null, null),
    },
    weeks: [0, 7, 14, 21, 28].map(offset => {
      const start = new Date(Date.parse(`${from}T00:00:00Z`) + offset * 864e5)
        .toISOString()
        .slice(0, 10);
      return {
        start,
        end: start,
        deployments: 12,
        changeLeadTime: 18000,
        changeFailRate: 0.3,
        failedDeploymentRecoveryTime: 3600,
        deploymentReworkRate: 0.05,
        cost: 246.9,
      };
    }),
    signals: [
      {
        rule: 'speed-without-stability',
        tone: 'warning',
        title: 'Speed is hiding instability',
        message:
          'Since the previous window lead time fell 50 %, but change fail rate climbed from 10 % to 30 %.',
        evidence: [{ label: 'Change fail rate', value: '10 % → 30 %' }],
        drillDown: {
          view: 'delivery',
          entityRef: 'group:default/payments',
          metric: 'changeFailRate',
        },
      },
      {
        rule: 'improving',
        tone: 'positive',
        title: 'Cheaper per deployment',
        message: 'Each deployment cost 38 % less.',
        evidence: [],
        drillDown: { view: 'cost', entityRef: 'group:default/payments' },
      },
    ],
    unavailable: [],
  };
}

describe('the Outcomes tab', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows speed and cost beside the guardrails, and the signal links to the deployments behind it', async () => {
    const requests = serveReads(server, 'outcomes', { scope: outcomesOf });
    renderForEntity(team, <EntityOutcomesContent />, {
      extensions: [outcomesApi],
    });
    const tile = async (name: string) => screen.findByRole('article', { name });
    expect(
      within(await tile('Change lead time')).getByText('5 h'),
    ).toBeInTheDocument();
    expect(
      within(await tile('Change lead time')).getByText(
        '−50% vs previous 30 days',
      ).parentElement,
    ).toHaveAttribute('data-tone', 'positive');
    const leadTime = within(await tile('Change lead time'));
    expect(leadTime.getByText('(better)')).toBeInTheDocument();
    expect(leadTime.getByText('Elite · DORA 2024')).toBeInTheDocument();
    const failRate = within(await tile('Change fail rate'));
    expect(failRate.getByText('30%')).toBeInTheDocument();
    expect(
      failRate.getByText('+20 pts vs previous 30 days'),
    ).toBeInTheDocument();
    expect(failRate.getByText('(worse)')).toBeInTheDocument();
    expect(
      within(await tile('Cost')).getByText('€1,234.50'),
    ).toBeInTheDocument();
    expect(
      within(await tile('Cost per request')).getByText('—'),
    ).toBeInTheDocument();

    const warning = screen
      .getByText('Speed is hiding instability')
      .closest('li') as HTMLElement;
    expect(warning).toHaveAttribute('data-rule', 'speed-without-stability');
    const link = within(warning).getByRole('link', {
      name: 'See the deployments behind it',
    });
    const href = new URL(link.getAttribute('href')!, 'http://portal');
    expect(href.pathname).toBe('/catalog/default/group/payments/delivery');
    expect(href.searchParams.get('window')).toBe('custom');
    expect(href.searchParams.get('deployments')).toBe('changeFailRate');
    const [read] = requests;
    expect(href.searchParams.get('from')).toBe(read.searchParams.get('from'));
    expect(read.searchParams.get('entityRef')).toBe('group:default/payments');
    expect(read.searchParams.get('environment')).toBe('production');
    // The same weeks for screen readers, speed and cost side by side.
    expect(
      screen.getByRole('table', { name: 'Speed, stability and cost per week' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('1 to look at, 1 going well', { exact: false }),
    ).toBeInTheDocument();
  });

  it('says why cost is not shown to someone who may not see it', async () => {
    serveReads(server, 'outcomes', {
      scope: url => {
        const outcomes = outcomesOf(url);
        const none = measure(null, null, null);
        return {
          ...outcomes,
          currency: null,
          cost: {
            total: none,
            perDeployment: none,
            perChange: none,
            perRequest: none,
          },
          weeks: outcomes.weeks.map(w => ({ ...w, cost: null })),
          unavailable: [
            {
              stream: 'cost',
              reason: 'You may not read the cost of group:default/payments',
            },
          ],
        };
      },
    });
    renderForEntity(team, <EntityOutcomesContent />, {
      extensions: [outcomesApi],
    });
    expect(
      await screen.findByText(
        'Cost is not shown: You may not read the cost of group:default/payments.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Cost', { selector: 'h4' }),
    ).not.toBeInTheDocument();
  });

  it('offers a retry when the read fails', async () => {
    serveReads(server, 'outcomes', {
      scope: () =>
        errorResponse(
          503,
          'ServiceUnavailableError',
          'The cost backend answered 500; try again',
        ),
    });
    renderForEntity(team, <EntityOutcomesContent />, {
      extensions: [outcomesApi],
    });
    expect(
      await screen.findByText(/The cost backend answered 500; try again/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /try again|retry/i }),
    ).toBeInTheDocument();
  });
});

describe('the Outcomes card', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the six numbers with their change and the first signals, linking to the tab', async () => {
    serveReads(server, 'outcomes', { scope: outcomesOf });
    renderForEntity(ledger, <EntityOutcomesCard />, {
      extensions: [outcomesApi],
    });
    const card = await screen.findByRole('article', { name: 'Outcomes' });
    expect(await within(card).findByText('5 h')).toBeInTheDocument();
    expect(within(card).getByText('+20 pts')).toHaveAttribute(
      'data-tone',
      'negative',
    );
    const signals = within(card).getByRole('list', { name: 'Signals' });
    expect(
      within(signals).getByText('Speed is hiding instability.'),
    ).toBeInTheDocument();
    expect(
      within(card).getByRole('link', {
        name: 'Trends, signals and what delivery costs',
      }),
    ).toHaveAttribute('href', '/catalog/default/component/ledger/outcomes');
  });
});
