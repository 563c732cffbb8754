import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { CampaignDetail } from '@paved/plugin-scorecards-common';
import { formatDay } from '@paved/portal-ui';
import { errorResponse, renderInPortal } from '@paved/portal-ui/testUtils';
import { scorecardsApi } from '../plugin';
import { ScorecardsPage } from './ScorecardsPage';
import { campaignDetail, daysFromNow } from './__testUtils__/fixtures';

const docs = campaignDetail({
  id: 'c1',
  title: 'Docs for every service',
  description: 'New joiners read the docs before the code.',
  checks: [
    {
      id: 'has-techdocs',
      title: 'Has TechDocs',
      fix: 'Add a backstage.io/techdocs-ref annotation.',
    },
    {
      id: 'has-owner',
      title: 'Has an owner that exists',
      fix: 'Set spec.owner to a group.',
    },
  ],
  deadline: daysFromNow(12),
  createdBy: 'user:default/priya',
  createdAt: '2026-11-20T08:00:00Z',
  targeted: 4,
  done: 1,
  progress: [
    { day: '2026-11-20', targeted: 4, done: 0 },
    { day: '2026-11-27', targeted: 4, done: 1 },
  ],
  // As the backend orders them: those not done first.
  targets: [
    {
      entityRef: 'component:default/ledger',
      title: 'Ledger',
      owner: 'group:default/payments',
      done: false,
      failing: ['has-techdocs', 'has-owner'],
    },
    {
      entityRef: 'component:default/billing',
      done: false,
      failing: ['has-techdocs'],
    },
    {
      entityRef: 'component:default/checkout',
      title: 'Checkout',
      owner: 'group:default/payments',
      done: true,
      failing: [],
    },
  ],
});

describe('a campaign’s page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /** Serves `GET /campaigns/:id` from the given campaigns; others are 404. */
  function serve(...campaigns: CampaignDetail[]) {
    server.use(
      http.get('*/api/scorecards/campaigns/:id', ({ params }) => {
        const found = campaigns.find(c => c.id === params.id);
        return found
          ? HttpResponse.json(found)
          : errorResponse(
              404,
              'NotFoundError',
              `No campaign ${String(params.id)}`,
            );
      }),
    );
  }

  /** The Scorecards page mounted at /scorecards, opened on a campaign. */
  const open = (id: string) =>
    renderInPortal(
      <Routes>
        <Route path="/scorecards/*" element={<ScorecardsPage />} />
      </Routes>,
      {
        extensions: [scorecardsApi],
        initialRouteEntries: [`/scorecards/campaigns/${id}`],
      },
    );

  it('shows what the campaign asks, by when, who started it and how far it has come', async () => {
    serve(docs);
    open('c1');
    expect(
      await screen.findByRole('heading', {
        level: 2,
        name: 'Docs for every service',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('New joiners read the docs before the code.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        `By ${formatDay(
          docs.deadline,
        )} (12 days left); started by priya on ${formatDay('2026-11-20')}.`,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('1 of 4 done (25 %)')).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'What is asked' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Set spec.owner to a group.', { exact: false }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'All campaigns and exceptions' }),
    ).toHaveAttribute('href', '/scorecards');
  });

  it('draws the burn-up, with its numbers in a table for screen readers', async () => {
    serve(docs);
    open('c1');
    expect(
      await screen.findByRole('heading', { name: 'Burn-up' }),
    ).toBeInTheDocument();
    const table = screen.getByRole('table', {
      name: 'Components done per day',
    });
    const rows = within(table).getAllByRole('row');
    expect(
      within(rows[0])
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Day', 'Done', 'Targeted']);
    expect(
      rows
        .slice(1)
        .map(r =>
          [
            within(r).getByRole('rowheader'),
            ...within(r).getAllByRole('cell'),
          ].map(c => c.textContent),
        ),
    ).toEqual([
      [formatDay('2026-11-20'), '0', '4'],
      [formatDay('2026-11-27'), '1', '4'],
    ]);
  });

  it('says the first point is still to come before any evaluation', async () => {
    serve({ ...docs, id: 'c2', progress: [], targeted: 0, done: 0 });
    open('c2');
    expect(
      await screen.findByText(
        'The first evaluation since the start draws the first point.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('No components targeted yet')).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Components done per day' }),
    ).not.toBeInTheDocument();
  });

  it('lists the components not done first, each with its owner and the checks it still fails', async () => {
    serve(docs);
    open('c1');
    const table = await screen.findByRole('table', {
      name: 'Components, those not done first',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(r =>
        [
          within(r).getByRole('rowheader'),
          ...within(r).getAllByRole('cell'),
        ].map(c => c.textContent),
      ),
    ).toEqual([
      ['Ledger', 'payments', 'Has TechDocs, Has an owner that exists'],
      ['billing', '—', 'Has TechDocs'],
      ['Checkout', 'payments', 'Done'],
    ]);
    expect(
      within(rows[0]).getByRole('link', { name: 'Ledger' }),
    ).toHaveAttribute('href', '/catalog/default/component/ledger/scorecard');
  });

  it('shows each component’s upgrade run, with its pull request, in a template-upgrade campaign', async () => {
    const upgrade = campaignDetail({
      ...docs,
      id: 'c2',
      title: 'Node services on 1.3',
      checks: [
        {
          id: 'template-version',
          title: 'Upgrade to template:default/node-service 1.3.0',
          fix: 'Run the upgrade template for the component.',
        },
      ],
      upgradeTo: '1.3.0',
      targets: [
        {
          entityRef: 'component:default/ledger',
          title: 'Ledger',
          done: false,
          failing: ['template-version'],
          upgrade: {
            taskId: 'task-7',
            status: 'completed',
            createdAt: '2026-12-01T10:00:00Z',
            pullRequestUrl: 'https://github.com/acme/ledger/pull/12',
          },
        },
        {
          entityRef: 'component:default/billing',
          done: false,
          failing: ['template-version'],
          upgrade: {
            taskId: 'task-8',
            status: 'failed',
            createdAt: '2026-12-02T10:00:00Z',
          },
        },
      ],
    });
    serve(upgrade);
    open('c2');
    const table = await screen.findByRole('table', {
      name: 'Components, those not done first',
    });
    const [ledger, billing] = within(table).getAllByRole('row').slice(1);
    expect(ledger).toHaveTextContent(
      `Upgrade run on ${formatDay(
        '2026-12-01T10:00:00Z',
      )}; merge its pull request to finish.`,
    );
    expect(
      within(ledger).getByRole('link', { name: 'Pull request' }),
    ).toHaveAttribute('href', 'https://github.com/acme/ledger/pull/12');
    expect(
      within(ledger).getByRole('link', { name: 'Open the run' }),
    ).toHaveAttribute('href', '/create/tasks/task-7');
    expect(billing).toHaveTextContent('failed');
    expect(
      within(billing).queryByRole('link', { name: 'Pull request' }),
    ).not.toBeInTheDocument();
    expect(
      within(billing).getByRole('link', { name: 'Open the run' }),
    ).toHaveAttribute('href', '/create/tasks/task-8');
  });

  it('says clearly when the campaign does not exist, with the way back', async () => {
    serve(docs);
    open('nope');
    expect(
      await screen.findByText('Could not load the campaign'),
    ).toBeInTheDocument();
    expect(screen.getByText('No campaign nope (HTTP 404)')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'All campaigns and exceptions' }),
    ).toHaveAttribute('href', '/scorecards');
    expect(screen.queryByRole('heading', { level: 2 })).not.toBeInTheDocument();
  });
});
