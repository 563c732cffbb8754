import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type {
  ExceptionRequest,
  ScorecardDefinitions,
} from '@paved/plugin-scorecards-common';
import { formatDay } from '@paved/portal-ui';
import {
  errorResponse,
  renderForEntity,
  serveReads,
} from '@paved/portal-ui/testUtils';
import { scorecardsApi } from '../plugin';
import { EntityScorecardContent } from './EntityScorecardContent';
import {
  checkout,
  dayFromNow,
  definitions,
  failingTechDocs,
} from './__testUtils__/fixtures';

/**
 * The dialog as an owner meets it: from the failing check on the
 * component's Scorecard tab.
 */
describe('requesting an exception to a failing check', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /** Serves the tab's reads and records every exception request sent. */
  function serve(
    options: {
      definitions?: ScorecardDefinitions;
      answer?: (body: ExceptionRequest) => Response;
    } = {},
  ) {
    const sent: ExceptionRequest[] = [];
    serveReads(server, 'scorecards', {
      entity: () => failingTechDocs,
      definitions: () => options.definitions ?? definitions,
      exceptions: () => ({ exceptions: [] }),
    });
    server.use(
      http.get('*/api/scorecards/campaigns/entity', () =>
        HttpResponse.json({ campaigns: [] }),
      ),
      http.post('*/api/scorecards/exceptions', async ({ request }) => {
        const body = (await request.json()) as ExceptionRequest;
        sent.push(body);
        return options.answer
          ? options.answer(body)
          : HttpResponse.json(
              { id: 'e1', status: 'pending', ...body },
              { status: 201 },
            );
      }),
    );
    return sent;
  }

  async function openDialog() {
    renderForEntity(checkout, <EntityScorecardContent />, {
      extensions: [scorecardsApi],
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Request an exception to Has TechDocs',
      }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Request an exception' });
    return {
      dialog,
      reason: within(dialog).getByRole('textbox', {
        name: /Why can it not meet the check yet\?/,
      }),
      submit: within(dialog).getByRole('button', {
        name: 'Request exception',
      }),
    };
  }

  it('names the check and keeps the request disabled until the reason has 10 characters besides spaces', async () => {
    serve();
    const { dialog, reason, submit } = await openDialog();
    expect(within(dialog).getByText(/^To “Has TechDocs”\./)).toBeVisible();
    expect(
      within(dialog).getByText(/At least 10 characters\./),
    ).toBeInTheDocument();
    expect(submit).toBeDisabled();

    await userEvent.type(reason, '   Too short   ');
    expect(submit).toBeDisabled();

    await userEvent.clear(reason);
    await userEvent.type(reason, 'Docs later');
    expect(submit).toBeEnabled();
  });

  it('offers durations up to the configured maximum, 90 days first, and says until when', async () => {
    serve();
    const { dialog } = await openDialog();
    const durations = within(dialog).getByRole('radiogroup', {
      name: 'For how long',
    });
    expect(
      within(durations)
        .getAllByRole('radio')
        .map(r => r.closest('label')?.textContent),
    ).toEqual(['30 days', '60 days', '90 days', '180 days']);
    expect(
      within(durations).getByRole('radio', { name: '90 days' }),
    ).toBeChecked();
    expect(
      within(dialog).getByText(`Until ${formatDay(dayFromNow(90))}.`),
    ).toBeInTheDocument();

    await userEvent.click(
      within(durations).getByRole('radio', { name: '180 days' }),
    );
    expect(
      within(durations).getByRole('radio', { name: '180 days' }),
    ).toBeChecked();
    expect(
      within(dialog).getByText(`Until ${formatDay(dayFromNow(180))}.`),
    ).toBeInTheDocument();
  });

  it('sends the component, the check, the reason without surrounding spaces and the chosen end', async () => {
    const sent = serve();
    const { dialog, reason, submit } = await openDialog();
    await userEvent.type(reason, '  Docs move to the new site next sprint.  ');
    await userEvent.click(
      within(dialog).getByRole('radio', { name: '60 days' }),
    );
    await userEvent.click(submit);

    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      entityRef: 'component:default/checkout',
      checkId: 'has-techdocs',
      reason: 'Docs move to the new site next sprint.',
      expiresAt: dayFromNow(60),
    });
  });

  it('shows a refusal from the backend in an alert and stays open to try again', async () => {
    serve({
      answer: () =>
        errorResponse(
          409,
          'ConflictError',
          'An exception to this check is already open',
        ),
    });
    const { dialog, reason, submit } = await openDialog();
    await userEvent.type(reason, 'Docs move to the new site next sprint.');
    await userEvent.click(submit);

    const alert = await within(dialog).findByRole('alert');
    await waitFor(() =>
      expect(alert).toHaveTextContent('Could not request the exception'),
    );
    expect(alert).toHaveTextContent(
      'An exception to this check is already open (HTTP 409)',
    );
    expect(
      screen.getByRole('dialog', { name: 'Request an exception' }),
    ).toBeInTheDocument();
    expect(reason).toHaveValue('Docs move to the new site next sprint.');
    expect(submit).toBeEnabled();
  });

  it('closes once the request is stored and announces that an admin decides', async () => {
    serve();
    const { reason, submit } = await openDialog();
    await userEvent.type(reason, 'Docs move to the new site next sprint.');
    await userEvent.click(submit);

    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: 'Request an exception' }),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'Exception to “Has TechDocs” requested; a platform admin decides.',
    );
  });

  it('sends nothing when cancelled', async () => {
    const sent = serve();
    const { dialog, reason } = await openDialog();
    await userEvent.type(reason, 'Docs move to the new site next sprint.');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );

    expect(
      screen.queryByRole('dialog', { name: 'Request an exception' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
    expect(sent).toEqual([]);
  });
});
