import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type {
  EntityScorecard,
  ScorecardDefinitions,
  ScorecardRollup,
} from '@paved/plugin-scorecards-common';
import {
  errorResponse,
  renderForEntity,
  renderInPortal,
  serveReads,
} from '@paved/portal-ui/testUtils';
import { scorecardsApi } from '../plugin';
import { AdoptionSection } from './AdoptionSection';
import { EntityScorecardCard } from './EntityScorecardCard';
import { EntityScorecardContent } from './EntityScorecardContent';
import { OrganisationSection } from './OrganisationSection';
import { ScopeScorecardsContent } from './ScopeScorecardsContent';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
};
const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const definitions: ScorecardDefinitions = {
  exceptionMaxDays: 180,
  levels: [
    { id: 'bronze', title: 'Bronze', checks: ['has-owner'] },
    { id: 'silver', title: 'Silver', checks: ['has-techdocs'] },
    { id: 'gold', title: 'Gold', checks: ['golden-path-current'] },
  ],
  checks: [],
};

const check = (
  id: string,
  title: string,
  outcome: 'pass' | 'fail' | 'not-applicable',
  level: string,
  evidence: string,
) => ({
  id,
  title,
  description: `${title}.`,
  rationale: 'Why it matters.',
  fix: `Fix ${id}.`,
  outcome,
  evidence,
  level,
});

const scorecard: EntityScorecard = {
  entityRef: 'component:default/checkout',
  evaluatedAt: '2026-12-04T10:00:00Z',
  level: 'bronze',
  nextLevel: 'silver',
  checks: [
    check(
      'has-techdocs',
      'Has TechDocs',
      'fail',
      'silver',
      'No backstage.io/techdocs-ref annotation.',
    ),
    check(
      'golden-path-current',
      'On a golden path',
      'fail',
      'gold',
      'Not created from a golden-path template.',
    ),
    check(
      'has-owner',
      'Has an owner that exists',
      'pass',
      'bronze',
      'Owned by group:default/payments.',
    ),
  ],
};

/** The campaigns a component is in (`GET /campaigns/entity`). */
const serveEntityCampaigns = (
  server: ReturnType<typeof setupServer>,
  campaigns: unknown[] = [],
) =>
  server.use(
    http.get('*/api/scorecards/campaigns/entity', () =>
      HttpResponse.json({ campaigns }),
    ),
  );

describe('the Scorecard tab', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() => serveEntityCampaigns(server));

  it('shows the level, what the next level asks and each failing check with its fix', async () => {
    const requests = serveReads(server, 'scorecards', {
      entity: () => scorecard,
      definitions: () => definitions,
      exceptions: () => ({ exceptions: [] }),
    });
    renderForEntity(checkout, <EntityScorecardContent />, {
      extensions: [scorecardsApi],
    });
    expect(await screen.findByText('Bronze')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Silver is next: 1 check of it to fix, and 1 of the levels after it.',
      ),
    ).toBeInTheDocument();
    const techdocs = screen.getByRole('listitem', {
      name: 'Has TechDocs: fail',
    });
    expect(within(techdocs).getByText('Fails')).toBeInTheDocument();
    expect(
      within(techdocs).getByText('No backstage.io/techdocs-ref annotation.'),
    ).toBeInTheDocument();
    expect(within(techdocs).getByText('Fix has-techdocs.')).toBeInTheDocument();
    const owner = screen.getByRole('listitem', {
      name: 'Has an owner that exists: pass',
    });
    expect(within(owner).queryByText(/How to fix/)).not.toBeInTheDocument();
    expect(
      requests
        .find(r => r.pathname.endsWith('/entity'))
        ?.searchParams.get('entityRef'),
    ).toBe('component:default/checkout');
  });

  it('lets an owner request an exception to a failing check, and then shows it waiting', async () => {
    let stored: any;
    serveReads(server, 'scorecards', {
      entity: () =>
        stored
          ? {
              ...scorecard,
              checks: scorecard.checks.map(c =>
                c.id === 'has-techdocs'
                  ? {
                      ...c,
                      exception: {
                        id: 'e1',
                        status: 'pending',
                        reason: stored.reason,
                        requestedBy: 'user:default/dev',
                        expiresAt: `${stored.expiresAt}T00:00:00Z`,
                      },
                    }
                  : c,
              ),
            }
          : scorecard,
      definitions: () => ({ ...definitions, exceptionMaxDays: 45 }),
      exceptions: () => ({ exceptions: [] }),
    });
    server.use(
      http.post('*/api/scorecards/exceptions', async ({ request }) => {
        stored = await request.json();
        return HttpResponse.json({ id: 'e1', ...stored }, { status: 201 });
      }),
    );
    renderForEntity(checkout, <EntityScorecardContent />, {
      extensions: [scorecardsApi],
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Request an exception to Has TechDocs',
      }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Request an exception' });
    const submit = within(dialog).getByRole('button', {
      name: 'Request exception',
    });
    // A reason first; the durations stop at the configured maximum.
    expect(submit).toBeDisabled();
    expect(
      within(dialog)
        .getAllByRole('radio')
        .map(r => r.getAttribute('value')),
    ).toEqual(['30', '45']);
    await userEvent.type(
      within(dialog).getByRole('textbox'),
      'Docs move to the new site next sprint.',
    );
    await userEvent.click(within(dialog).getByText('30 days'));
    await userEvent.click(submit);
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'Exception to “Has TechDocs” requested; a platform admin decides.',
      ),
    );
    expect(stored).toEqual({
      entityRef: 'component:default/checkout',
      checkId: 'has-techdocs',
      reason: 'Docs move to the new site next sprint.',
      expiresAt: new Date(Date.now() + 30 * 86_400_000)
        .toISOString()
        .slice(0, 10),
    });
    const techdocs = await screen.findByRole('listitem', {
      name: 'Has TechDocs: fail',
    });
    expect(
      await within(techdocs).findByText(/^Exception requested:/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', {
        name: 'Request an exception to Has TechDocs',
      }),
    ).not.toBeInTheDocument();
  });

  it('says which campaigns ask something of the component, by when, and what is left', async () => {
    serveReads(server, 'scorecards', {
      entity: () => scorecard,
      definitions: () => definitions,
      exceptions: () => ({ exceptions: [] }),
    });
    const campaign = (id: string, title: string, failing: string[]) => ({
      id,
      title,
      description: '',
      checks: [{ id: 'has-techdocs', title: 'Has TechDocs', fix: 'Add docs.' }],
      target: {},
      deadline: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      createdBy: 'user:default/admin',
      createdAt: '2026-12-01T00:00:00Z',
      targeted: 10,
      done: 4,
      failing,
    });
    serveEntityCampaigns(server, [
      campaign('c1', 'Docs for every service', ['has-techdocs']),
      campaign('c2', 'Docs, again', []),
    ]);
    renderForEntity(checkout, <EntityScorecardContent />, {
      extensions: [scorecardsApi],
    });
    expect(
      await screen.findByRole('link', { name: 'Docs for every service' }),
    ).toHaveAttribute('href', '/scorecards/campaigns/c1');
    expect(
      screen.getByText(
        /: by .* \(10 days left\)\. Still to pass: Has TechDocs\.$/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/\(10 days left\)\. Done\.$/)).toBeInTheDocument();
  });

  it('sums the scorecard up on the overview card, linking to the tab', async () => {
    serveReads(server, 'scorecards', {
      entity: () => scorecard,
      definitions: () => definitions,
    });
    renderForEntity(checkout, <EntityScorecardCard />, {
      extensions: [scorecardsApi],
    });
    expect(await screen.findByText('Bronze')).toBeInTheDocument();
    expect(
      screen.getByText('Fails 2 checks: Has TechDocs, On a golden path.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Every check, with how to fix it' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout/scorecard');
  });

  it('says when a component is not evaluated yet, and explains a refusal', async () => {
    serveReads(server, 'scorecards', {
      entity: () => ({
        ...scorecard,
        evaluatedAt: null,
        level: null,
        nextLevel: null,
        checks: [],
      }),
      definitions: () => definitions,
      exceptions: () => ({ exceptions: [] }),
    });
    const { unmount } = await renderForEntity(
      checkout,
      <EntityScorecardContent />,
      { extensions: [scorecardsApi] },
    );
    expect(await screen.findByText(/Not evaluated yet/)).toBeInTheDocument();
    unmount();

    serveReads(server, 'scorecards', {
      entity: () =>
        errorResponse(403, 'NotAllowedError', 'You may not read scorecards'),
      definitions: () => definitions,
      exceptions: () => ({ exceptions: [] }),
    });
    renderForEntity(checkout, <EntityScorecardContent />, {
      extensions: [scorecardsApi],
    });
    expect(
      await screen.findByText('You may not read scorecards'),
    ).toBeInTheDocument();
  });
});

describe('the Scorecards tab of a team', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('counts its components per level and lists the most failed checks first', async () => {
    const rollup: ScorecardRollup = {
      entityRef: 'group:default/payments',
      components: 4,
      notEvaluated: 1,
      levels: [
        { level: 'bronze', components: 1 },
        { level: 'silver', components: 2 },
        { level: 'gold', components: 0 },
        { level: null, components: 1 },
      ],
      checks: [
        {
          id: 'has-owner',
          title: 'Has an owner',
          pass: 3,
          fail: 1,
          notApplicable: 0,
          excepted: 0,
        },
        {
          id: 'has-techdocs',
          title: 'Has TechDocs',
          pass: 1,
          fail: 3,
          notApplicable: 0,
          excepted: 0,
        },
      ],
      history: [],
      members: [
        {
          entityRef: 'component:default/ledger',
          title: 'Ledger',
          level: null,
          failing: ['has-owner', 'has-techdocs'],
        },
      ],
    };
    serveReads(server, 'scorecards', {
      rollup: () => rollup,
      definitions: () => definitions,
    });
    renderForEntity(team, <ScopeScorecardsContent />, {
      extensions: [scorecardsApi],
    });
    const levels = await screen.findByRole('table', {
      name: 'Levels of its 4 components',
    });
    const silver = within(levels).getByRole('row', { name: /Silver/ });
    expect(within(silver).getByText('2')).toBeInTheDocument();
    expect(within(silver).getByText('50 %')).toBeInTheDocument();
    expect(screen.getByText('1 more not evaluated yet.')).toBeInTheDocument();
    const members = screen.getByRole('table', {
      name: 'Components, lowest level first',
    });
    const ledger = within(members).getByRole('row', { name: /Ledger/ });
    expect(
      within(ledger).getByRole('link', { name: 'Ledger' }),
    ).toHaveAttribute('href', '/catalog/default/component/ledger/scorecard');
    expect(within(ledger).getByText('No level yet')).toBeInTheDocument();
    expect(
      within(ledger).getByText('Has an owner, Has TechDocs'),
    ).toBeInTheDocument();
    const checks = screen.getByRole('table', {
      name: 'Checks, most failed first',
    });
    const rows = within(checks).getAllByRole('row').slice(1);
    expect(rows.map(r => within(r).getByRole('rowheader').textContent)).toEqual(
      ['Has TechDocs', 'Has an owner'],
    );
  });
});

describe('level history and the organisation', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const day = (
    date: string,
    bronze: number,
    silver: number,
    gold: number,
    none: number,
  ) => ({
    day: date,
    levels: [
      { level: 'bronze', components: bronze },
      { level: 'silver', components: silver },
      { level: 'gold', components: gold },
      { level: null, components: none },
    ],
  });
  const rollupOf = (entityRef: string | null): ScorecardRollup => ({
    entityRef,
    components: 5,
    notEvaluated: 0,
    levels: day('2026-12-04', 1, 2, 2, 0).levels,
    checks: [],
    history: [
      day('2026-12-02', 2, 1, 0, 2),
      day('2026-12-03', 2, 2, 1, 0),
      day('2026-12-04', 1, 2, 2, 0),
    ],
    ...(entityRef ? { members: [] } : {}),
  });

  it("draws a team's levels day by day, highest level first in the table", async () => {
    serveReads(server, 'scorecards', {
      rollup: () => rollupOf('group:default/payments'),
      definitions: () => definitions,
    });
    renderForEntity(team, <ScopeScorecardsContent />, {
      extensions: [scorecardsApi],
    });
    expect(
      await screen.findByRole('heading', {
        name: 'Levels over the last 3 days',
      }),
    ).toBeInTheDocument();
    const history = screen.getByRole('table', {
      name: 'Components at each level per day',
    });
    expect(
      within(history)
        .getAllByRole('columnheader')
        .map(c => c.textContent),
    ).toEqual(['Day', 'Gold', 'Silver', 'Bronze', 'No level']);
    const first = within(history).getAllByRole('row')[1];
    expect(
      within(first)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['0', '1', '2', '2']);
  });

  it('shows the whole organisation on the Scorecards page, asking for 90 days', async () => {
    const requests = serveReads(server, 'scorecards', {
      rollup: () => rollupOf(null),
      definitions: () => definitions,
    });
    renderInPortal(<OrganisationSection />, { extensions: [scorecardsApi] });
    const levels = await screen.findByRole('table', {
      name: 'Levels of all 5 components',
    });
    expect(within(levels).getByRole('row', { name: /Gold/ })).toHaveTextContent(
      '40 %',
    );
    const asked = requests.find(r => r.pathname.endsWith('/rollup'));
    expect(asked?.searchParams.get('entityRef')).toBeNull();
    expect(asked?.searchParams.get('days')).toBe('90');
    expect(
      screen.getByRole('table', { name: 'Components at each level per day' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Components, lowest level first' }),
    ).not.toBeInTheDocument();
  });

  it('says why the organisation has no levels yet, and offers a retry on failure', async () => {
    let fail = true;
    serveReads(server, 'scorecards', {
      rollup: () =>
        fail
          ? errorResponse(503, 'ServiceUnavailableError', 'Database is down')
          : { ...rollupOf(null), components: 0, notEvaluated: 7, history: [] },
      definitions: () => definitions,
    });
    renderInPortal(<OrganisationSection />, { extensions: [scorecardsApi] });
    expect(
      await screen.findByText('Could not load the levels'),
    ).toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: /retry/i }));
    expect(
      await screen.findByText(/None of the 7 components is evaluated yet/),
    ).toBeInTheDocument();
  });
});

describe('golden-path adoption', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the shares on a golden path and on its current version, and the template runs per week', async () => {
    const counts = (day: string, onGoldenPath: number) => ({
      day,
      components: 20,
      onGoldenPath,
      onCurrentVersion: 9,
      teams: 8,
      teamsOnGoldenPath: 6,
    });
    const requests = serveReads(server, 'scorecards', {
      adoption: () => ({
        latest: counts('2026-12-04', 12),
        history: [counts('2026-11-01', 8), counts('2026-12-04', 12)],
        releases: [],
        templateRuns: {
          weeks: [
            { week: '2026-11-23', runs: 1 },
            { week: '2026-11-30', runs: 3 },
          ],
          templates: [
            { templateRef: 'template:default/typescript-service', runs: 3 },
            { templateRef: 'template:default/python-service', runs: 1 },
          ],
        },
      }),
    });
    renderInPortal(<AdoptionSection />, { extensions: [scorecardsApi] });
    expect(await screen.findByText('60 %')).toBeInTheDocument();
    expect(screen.getByText('12 of 20 components')).toBeInTheDocument();
    expect(screen.getByText('9 of 12 components')).toBeInTheDocument();
    expect(screen.getByText('6 of 8 teams')).toBeInTheDocument();
    expect(
      screen.getByText(
        /on 1 Nov 2026, 8 of 20 components and 6 of 8 teams were on a golden path/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Most used in twelve weeks: typescript-service (3), python-service (1).',
      ),
    ).toBeInTheDocument();
    // The runs per week for screen readers.
    const table = screen.getByRole('table', { name: 'Template runs per week' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(
      requests
        .find(r => r.pathname.endsWith('/adoption'))
        ?.searchParams.get('days'),
    ).toBe('90');
  });

  it('says when the template runs could not be read, rather than showing none', async () => {
    serveReads(server, 'scorecards', {
      adoption: () => ({
        latest: {
          day: '2026-12-04',
          components: 1,
          onGoldenPath: 0,
          onCurrentVersion: 0,
          teams: 1,
          teamsOnGoldenPath: 0,
        },
        history: [],
        templateRuns: null,
        releases: [],
      }),
    });
    renderInPortal(<AdoptionSection />, { extensions: [scorecardsApi] });
    expect(
      await screen.findByText(
        'The template runs could not be read from the scaffolder at the last evaluation.',
      ),
    ).toBeInTheDocument();
  });
});
