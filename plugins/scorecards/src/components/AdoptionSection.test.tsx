import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type {
  Adoption,
  AdoptionCounts,
  PortalUse,
} from '@paved/plugin-scorecards-common';
import { formatDay } from '@paved/portal-ui';
import {
  errorResponse,
  renderInPortal,
  serveReads,
} from '@paved/portal-ui/testUtils';
import { scorecardsApi } from '../plugin';
import { AdoptionSection } from './AdoptionSection';

const counts = (fields: Partial<AdoptionCounts> = {}): AdoptionCounts => ({
  day: '2026-12-04',
  components: 40,
  onGoldenPath: 30,
  onCurrentVersion: 15,
  teams: 10,
  teamsOnGoldenPath: 7,
  ...fields,
});

const runs: NonNullable<Adoption['templateRuns']> = {
  weeks: [
    { week: '2026-11-16', runs: 0 },
    { week: '2026-11-23', runs: 2 },
    { week: '2026-11-30', runs: 5 },
  ],
  templates: [{ templateRef: 'template:default/typescript-service', runs: 7 }],
};

describe('golden-path adoption on the Scorecards page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /** Serves the adoption (no releases unless given) and the portal use. */
  const serve = (
    adoption: () => Omit<Adoption, 'releases'> | Adoption | Response,
    usage: () => PortalUse | Response = () => ({
      weeks: [],
      since: '2026-11-07',
      pages: [],
      docs: [],
    }),
  ) =>
    serveReads(server, 'scorecards', {
      adoption: () => {
        const answer = adoption();
        return answer instanceof Response
          ? answer
          : { releases: [], ...answer };
      },
      usage,
    });

  const render = () =>
    renderInPortal(<AdoptionSection />, { extensions: [scorecardsApi] });

  /** The figure card under the given heading. */
  const figure = (title: string) =>
    within(screen.getByRole('heading', { name: title }).parentElement!);

  it('gives each share with what it is a share of', async () => {
    serve(() => ({
      latest: counts({ teams: 1, teamsOnGoldenPath: 1 }),
      history: [counts()],
      templateRuns: runs,
    }));
    render();
    await screen.findByRole('heading', {
      name: 'Components on a golden path',
    });
    const onPath = figure('Components on a golden path');
    expect(onPath.getByText('75 %')).toBeInTheDocument();
    expect(onPath.getByText('30 of 40 components')).toBeInTheDocument();
    const current = figure('Of those, on the current version');
    expect(current.getByText('50 %')).toBeInTheDocument();
    expect(current.getByText('15 of 30 components')).toBeInTheDocument();
    const teams = figure('Teams on a golden path');
    expect(teams.getByText('100 %')).toBeInTheDocument();
    expect(teams.getByText('1 of 1 team')).toBeInTheDocument();
    expect(
      screen.getByText(`As of ${formatDay('2026-12-04')}.`),
    ).toBeInTheDocument();
  });

  it('shows no share, rather than 0 %, when there is nothing to share', async () => {
    serve(() => ({
      latest: counts({
        components: 3,
        onGoldenPath: 0,
        onCurrentVersion: 0,
        teamsOnGoldenPath: 0,
      }),
      history: [],
      templateRuns: runs,
    }));
    render();
    await screen.findByRole('heading', {
      name: 'Components on a golden path',
    });
    expect(
      figure('Components on a golden path').getByText('0 %'),
    ).toBeInTheDocument();
    const current = figure('Of those, on the current version');
    expect(current.getByText('—')).toBeInTheDocument();
    expect(current.getByText('0 of 0 components')).toBeInTheDocument();
  });

  it('counts the template runs per week, in a table for screen readers too, and names the most used', async () => {
    serve(() => ({ latest: counts(), history: [], templateRuns: runs }));
    render();
    expect(
      await screen.findByRole('heading', { name: 'Template runs per week' }),
    ).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Template runs per week' });
    expect(
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map(r =>
          [within(r).getByRole('rowheader'), within(r).getByRole('cell')].map(
            c => c.textContent,
          ),
        ),
    ).toEqual([
      [formatDay('2026-11-16'), '0'],
      [formatDay('2026-11-23'), '2'],
      [formatDay('2026-11-30'), '5'],
    ]);
    expect(
      screen.getByText('Most used in twelve weeks: typescript-service (7).'),
    ).toBeInTheDocument();
  });

  it('says the scaffolder could not be read, instead of showing no runs, when the runs are unknown', async () => {
    serve(() => ({ latest: counts(), history: [], templateRuns: null }));
    render();
    expect(
      await screen.findByText(
        'The template runs could not be read from the scaffolder at the last evaluation.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Template runs per week' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText(/^No template run/)).not.toBeInTheDocument();
    // The shares do not depend on the scaffolder.
    expect(screen.getByText('30 of 40 components')).toBeInTheDocument();
  });

  it('says when nothing has been counted yet, and when adoption may not be read', async () => {
    serve(() => ({ latest: null, history: [], templateRuns: null }));
    const { unmount } = render();
    expect(
      await screen.findByText(/^Not evaluated yet: adoption is counted/),
    ).toBeInTheDocument();
    unmount();

    serve(() =>
      errorResponse(403, 'NotAllowedError', 'You may not read adoption'),
    );
    render();
    expect(
      await screen.findByText('You may not read scorecards'),
    ).toBeInTheDocument();
  });

  it('says how soon new services reached production after their template run', async () => {
    serve(() => ({
      latest: counts(),
      history: [counts()],
      templateRuns: {
        ...runs,
        firstDeployments: { services: 4, deployed: 3, medianHours: 52 },
      },
    }));
    render();
    expect(
      await screen.findByText(
        'From a template run to production: 3 of 4 new services deployed, after 2 days (median).',
      ),
    ).toBeInTheDocument();
  });

  it('says when DORA could not be read for the first deployments, rather than none', async () => {
    serve(() => ({
      latest: counts(),
      history: [counts()],
      templateRuns: { ...runs, firstDeployments: null },
    }));
    render();
    expect(
      await screen.findByText(
        'From a template run to production: DORA could not be read at the last evaluation.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the weekly active users and the most used pages and docs, as counts', async () => {
    serve(
      () => ({ latest: counts(), history: [counts()], templateRuns: runs }),
      () => ({
        weeks: [
          { week: '2026-11-23', activeUsers: 12 },
          { week: '2026-11-30', activeUsers: 17 },
        ],
        since: '2026-11-07',
        pages: [
          { subject: '/catalog/component/delivery', users: 9 },
          { subject: '/', users: 4 },
        ],
        docs: [{ subject: 'component:default/checkout-service', users: 1 }],
      }),
    );
    render();
    const table = await screen.findByRole('table', {
      name: 'Active users per week',
    });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByText('17')).toBeInTheDocument();
    expect(
      screen.getByText('Component pages: delivery — 9 users'),
    ).toBeInTheDocument();
    expect(screen.getByText('Home — 4 users')).toBeInTheDocument();
    expect(screen.getByText('checkout-service — 1 user')).toBeInTheDocument();
  });

  it('keeps the adoption when the portal use cannot be read', async () => {
    serve(
      () => ({ latest: counts(), history: [counts()], templateRuns: runs }),
      () => errorResponse(500, 'Error', 'The store failed'),
    );
    render();
    expect(
      await screen.findByText('Could not load the portal use'),
    ).toBeInTheDocument();
    expect(
      figure('Components on a golden path').getByText('75 %'),
    ).toBeInTheDocument();
  });

  it('shows components on a golden path week by week, from the last day of each week', async () => {
    serve(() => ({
      latest: counts({ day: '2026-12-04', onGoldenPath: 30 }),
      history: [
        counts({ day: '2026-11-24', onGoldenPath: 20 }),
        counts({ day: '2026-11-29', onGoldenPath: 24 }),
        counts({ day: '2026-12-04', onGoldenPath: 30 }),
      ],
      templateRuns: runs,
    }));
    render();
    const table = await screen.findByRole('table', {
      name: 'Components on a golden path at the end of each week',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      `${formatDay('2026-11-23')}24`,
      `${formatDay('2026-11-30')}30`,
    ]);
  });

  it('says how soon components take up each golden path’s current release', async () => {
    serve(() => ({
      latest: counts(),
      history: [counts()],
      templateRuns: runs,
      releases: [
        {
          templateRef: 'template:default/typescript-service',
          version: '1.3.0',
          releasedAt: '2026-10-23T10:00:00Z',
          components: 12,
          current: 9,
          upgraded: 5,
          medianDays: 6.4,
        },
        {
          templateRef: 'template:default/python-service',
          version: '2.0.0',
          releasedAt: null,
          components: 3,
          current: 1,
          upgraded: 0,
          medianDays: null,
        },
      ],
    }));
    render();
    const table = await screen.findByRole('table', {
      name: 'Current releases, and how soon components upgrade',
    });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r =>
        [
          within(r).getByRole('rowheader'),
          ...within(r).getAllByRole('cell'),
        ].map(c => c.textContent),
      );
    expect(rows).toEqual([
      [
        'typescript-service',
        '1.3.0',
        formatDay('2026-10-23T10:00:00Z'),
        '9 of 12',
        '6 days (5 upgrades)',
      ],
      ['python-service', '2.0.0', 'Before Paved saw it', '1 of 3', '—'],
    ]);
  });
});
