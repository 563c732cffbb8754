import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type {
  Campaign,
  CampaignRequest,
} from '@paved/plugin-scorecards-common';
import { formatDay } from '@paved/portal-ui';
import {
  errorResponse,
  renderInPortal,
  serveReads,
} from '@paved/portal-ui/testUtils';
import { scorecardsApi } from '../plugin';
import { CampaignsSection } from './CampaignsSection';
import {
  campaign,
  dayFromNow,
  daysFromNow,
  definitions,
} from './__testUtils__/fixtures';

const docsCampaign = campaign({
  id: 'c1',
  title: 'Docs for every service',
  deadline: daysFromNow(10),
  targeted: 10,
  done: 4,
});

describe('the campaigns on the Scorecards page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /**
   * Serves the campaigns from a store a started campaign joins, and
   * records every start sent.
   */
  function serve(
    options: {
      campaigns?: Campaign[];
      answer?: (body: CampaignRequest) => Response;
    } = {},
  ) {
    let stored = options.campaigns ?? [docsCampaign];
    const sent: CampaignRequest[] = [];
    serveReads(server, 'scorecards', {
      campaigns: () => ({ campaigns: stored }),
      definitions: () => definitions,
    });
    server.use(
      http.post('*/api/scorecards/campaigns', async ({ request }) => {
        const body = (await request.json()) as CampaignRequest;
        sent.push(body);
        if (options.answer) return options.answer(body);
        const started = campaign({
          id: 'c2',
          title: body.title,
          deadline: `${body.deadline}T23:59:59Z`,
          targeted: 0,
          done: 0,
        });
        stored = [...stored, started];
        return HttpResponse.json(started, { status: 201 });
      }),
    );
    return sent;
  }

  const render = () =>
    renderInPortal(<CampaignsSection />, {
      extensions: [scorecardsApi],
      apis: [
        catalogApiMock({
          entities: [
            {
              apiVersion: 'scaffolder.backstage.io/v1beta3',
              kind: 'Template',
              metadata: {
                name: 'typescript-service',
                namespace: 'default',
                title: 'TypeScript service',
                annotations: { 'paved.dev/template-version': '1.4.0' },
              },
              spec: { type: 'service' },
            },
            {
              apiVersion: 'scaffolder.backstage.io/v1beta3',
              kind: 'Template',
              metadata: { name: 'upgrade-component', namespace: 'default' },
              spec: { type: 'upgrade' },
            },
          ],
        }),
      ],
    });

  async function openDialog() {
    render();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Start a campaign' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Start a campaign' });
    return {
      dialog,
      title: within(dialog).getByRole('textbox', { name: /^Title/ }),
      start: within(dialog).getByRole('button', { name: 'Start campaign' }),
    };
  }

  it('lists each campaign with what it asks, by when and how far it has come', async () => {
    serve({
      campaigns: [
        docsCampaign,
        campaign({
          id: 'c3',
          title: 'Owners everywhere',
          checks: [
            { id: 'has-owner', title: 'Has an owner that exists', fix: '' },
          ],
          deadline: daysFromNow(-2),
          targeted: 0,
          done: 0,
        }),
      ],
    });
    render();
    expect(
      await screen.findByRole('link', { name: 'Docs for every service' }),
    ).toHaveAttribute('href', '/scorecards/campaigns/c1');
    const docs = screen
      .getByRole('link', { name: 'Docs for every service' })
      .closest('li')!;
    expect(
      within(docs).getByText(
        `Has TechDocs · by ${formatDay(docsCampaign.deadline)} (10 days left)`,
      ),
    ).toBeInTheDocument();
    expect(within(docs).getByText('4 of 10 done (40 %)')).toBeInTheDocument();

    const owners = screen
      .getByRole('link', { name: 'Owners everywhere' })
      .closest('li')!;
    expect(within(owners).getByText(/\(2 days overdue\)$/)).toBeInTheDocument();
    expect(
      within(owners).getByText('No components targeted yet'),
    ).toBeInTheDocument();
  });

  it('says when there is no campaign yet', async () => {
    serve({ campaigns: [] });
    render();
    expect(await screen.findByText(/^No campaign yet\./)).toBeInTheDocument();
  });

  it('keeps Start campaign disabled until the campaign has a title and a check, with a deadline chosen', async () => {
    serve();
    const { dialog, title, start } = await openDialog();
    expect(start).toBeDisabled();
    expect(
      within(dialog).getByRole('radio', { name: 'In 30 days' }),
    ).toBeChecked();
    expect(
      within(dialog).getByText(`On ${formatDay(dayFromNow(30))}.`),
    ).toBeInTheDocument();

    await userEvent.type(title, 'Docs for every service');
    expect(start).toBeDisabled();

    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'Has TechDocs' }),
    );
    expect(start).toBeEnabled();

    await userEvent.clear(title);
    await userEvent.type(title, '  ');
    expect(start).toBeDisabled();
  });

  it('sends the title, why, checks, components asked and deadline, then lists the campaign started', async () => {
    const sent = serve();
    const { dialog, title, start } = await openDialog();
    await userEvent.type(title, '  Every service on a golden path ');
    await userEvent.click(within(dialog).getByRole('textbox', { name: 'Why' }));
    await userEvent.paste('Upgrades come for free.');
    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'Has TechDocs' }),
    );
    await userEvent.click(
      within(dialog).getByRole('checkbox', {
        name: 'On a current golden path',
      }),
    );
    await userEvent.click(
      within(dialog).getByRole('textbox', {
        name: 'Only components of these owners',
      }),
    );
    await userEvent.paste('group:default/payments, group:default/checkout');
    await userEvent.type(
      within(dialog).getByRole('textbox', {
        name: 'Only components of these types',
      }),
      'service',
    );
    await userEvent.click(
      within(dialog).getByRole('radio', { name: 'In 60 days' }),
    );
    await userEvent.click(start);

    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'Campaign “Every service on a golden path” started; its components appear within seconds.',
      ),
    );
    expect(sent).toEqual([
      {
        title: 'Every service on a golden path',
        description: 'Upgrades come for free.',
        checkIds: ['has-techdocs', 'golden-path-current'],
        target: {
          owners: ['group:default/payments', 'group:default/checkout'],
          types: ['service'],
        },
        deadline: dayFromNow(60),
      },
    ]);
    expect(
      screen.queryByRole('dialog', { name: 'Start a campaign' }),
    ).not.toBeInTheDocument();
    expect(
      await screen.findByRole('link', {
        name: 'Every service on a golden path',
      }),
    ).toHaveAttribute('href', '/scorecards/campaigns/c2');
  });

  it('asks every component when no owner or type is given, and shows a refusal in the dialog', async () => {
    const sent = serve({
      answer: () =>
        errorResponse(400, 'InputError', 'Unknown check: has-techdocs'),
    });
    const { dialog, title, start } = await openDialog();
    await userEvent.type(title, 'Docs for every service');
    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'Has TechDocs' }),
    );
    await userEvent.click(start);

    await waitFor(() =>
      expect(within(dialog).getByRole('alert')).toHaveTextContent(
        'Could not start the campaign',
      ),
    );
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'Unknown check: has-techdocs (HTTP 400)',
    );
    expect(sent).toEqual([
      {
        title: 'Docs for every service',
        checkIds: ['has-techdocs'],
        target: {},
        deadline: dayFromNow(30),
      },
    ]);
    expect(
      screen.getByRole('dialog', { name: 'Start a campaign' }),
    ).toBeInTheDocument();
  });

  it('asks for a golden path’s current version, with or without checks', async () => {
    const sent = serve();
    const { dialog, title, start } = await openDialog();
    await userEvent.type(title, 'TypeScript services on 1.4');
    expect(start).toBeDisabled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: /Template upgrade/ }),
    );
    // The upgrade template itself is no golden path to upgrade to.
    expect(screen.getAllByRole('option')).toHaveLength(2);
    await userEvent.click(
      screen.getByRole('option', {
        name: 'Upgrade to TypeScript service v1.4.0',
      }),
    );
    expect(
      within(dialog).getByRole('group', { name: 'Checks to pass (optional)' }),
    ).toBeInTheDocument();
    expect(start).toBeEnabled();
    await userEvent.click(start);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      title: 'TypeScript services on 1.4',
      checkIds: [],
      target: { template: 'template:default/typescript-service' },
      upgradeTo: '1.4.0',
      deadline: dayFromNow(30),
    });
  });
});
