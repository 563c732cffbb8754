import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import type {
  ExceptionDecision,
  ScorecardException,
} from '@paved/plugin-scorecards-common';
import { formatDay } from '@paved/portal-ui';
import {
  errorResponse,
  renderInPortal,
  serveReads,
} from '@paved/portal-ui/testUtils';
import { scorecardsApi } from '../plugin';
import { ExceptionsSection } from './ExceptionsSection';
import { exception } from './__testUtils__/fixtures';

/** The admin reading the queue. */
const reader = 'user:default/priya';

const checkoutDocs = exception({
  id: 'e1',
  entityTitle: 'Checkout',
  reason: 'Docs move to the new site next sprint.',
  requestedBy: 'user:default/dev',
  expiresAt: '2027-01-31',
});
const ownLedger = exception({
  id: 'e2',
  entityRef: 'component:default/ledger',
  checkId: 'has-owner',
  checkTitle: 'Has an owner that exists',
  reason: 'The owning team is being formed this month.',
  requestedBy: reader,
});
const approvedBilling = exception({
  id: 'e3',
  entityRef: 'component:default/billing',
  status: 'approved',
  reason: 'Migrating the docs.',
  decidedBy: reader,
  decidedAt: '2026-11-02T10:00:00Z',
});

describe('the exceptions on the Scorecards page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /**
   * Serves the exception reads from a store that decisions change, and
   * records every decision sent.
   */
  function serve(
    options: {
      exceptions?: ScorecardException[];
      answer?: (id: string, decision: ExceptionDecision) => Response;
    } = {},
  ) {
    let stored = options.exceptions ?? [
      checkoutDocs,
      ownLedger,
      approvedBilling,
    ];
    const sent: { id: string; decision: ExceptionDecision }[] = [];
    serveReads(server, 'scorecards', {
      exceptions: url => {
        const status = url.searchParams.get('status');
        return {
          exceptions: status ? stored.filter(e => e.status === status) : stored,
        };
      },
    });
    server.use(
      http.post(
        '*/api/scorecards/exceptions/:id/decision',
        async ({ request, params }) => {
          const id = String(params.id);
          const decision = (await request.json()) as ExceptionDecision;
          sent.push({ id, decision });
          if (options.answer) return options.answer(id, decision);
          const decided: ScorecardException = {
            ...stored.find(e => e.id === id)!,
            status: decision.decision === 'approve' ? 'approved' : 'rejected',
            decidedBy: reader,
            decidedAt: '2026-12-04T12:00:00Z',
            decisionNote: decision.note ?? null,
          };
          stored = stored.map(e => (e.id === id ? decided : e));
          return HttpResponse.json(decided);
        },
      ),
    );
    return sent;
  }

  const render = () =>
    renderInPortal(<ExceptionsSection />, {
      extensions: [scorecardsApi],
      apis: [mockApis.identity({ userEntityRef: reader })],
    });

  const queue = async () =>
    within(
      (
        await screen.findByRole('heading', {
          name: /^Waiting for a decision/,
        })
      ).closest('section')!,
    );

  it('lists the requests waiting for a decision with who asked, until when and why, then the decided ones', async () => {
    serve();
    render();
    expect(
      await screen.findByRole('heading', {
        name: 'Waiting for a decision (2)',
      }),
    ).toBeInTheDocument();
    const pending = await queue();
    expect(pending.getByRole('link', { name: 'Checkout' })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/scorecard',
    );
    expect(
      pending.getByText('“Docs move to the new site next sprint.”'),
    ).toBeInTheDocument();
    expect(
      pending.getByText(
        new RegExp(`^dev asked on .*, until ${formatDay('2027-01-31')}\\.$`),
      ),
    ).toBeInTheDocument();
    expect(
      pending.getByText('“The owning team is being formed this month.”'),
    ).toBeInTheDocument();

    const decided = screen.getByRole('table', { name: 'Decided and ended' });
    expect(within(decided).getAllByRole('row')).toHaveLength(2);
    expect(
      within(decided).getByRole('link', { name: 'billing' }),
    ).toBeInTheDocument();
  });

  it('offers no decision on a request the reader made themselves', async () => {
    serve();
    render();
    const pending = await queue();
    expect(
      pending.getByRole('button', {
        name: 'Approve the exception for Checkout: Has TechDocs',
      }),
    ).toBeInTheDocument();
    expect(
      pending.queryByRole('button', {
        name: /^(Approve|Reject) the exception for ledger/,
      }),
    ).not.toBeInTheDocument();
    expect(
      pending.queryByRole('textbox', { name: 'Note to the owners of ledger' }),
    ).not.toBeInTheDocument();
  });

  it('sends an approval, announces it and takes the request out of the queue', async () => {
    const sent = serve();
    render();
    const pending = await queue();
    await userEvent.click(
      pending.getByRole('button', {
        name: 'Approve the exception for Checkout: Has TechDocs',
      }),
    );

    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'Approved: Checkout — Has TechDocs.',
      ),
    );
    expect(sent).toEqual([{ id: 'e1', decision: { decision: 'approve' } }]);
    expect(
      await screen.findByRole('heading', {
        name: 'Waiting for a decision (1)',
      }),
    ).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('table', { name: 'Decided and ended' }),
      ).getAllByRole('row'),
    ).toHaveLength(3);
  });

  it('rejects only with a note, which goes to the owners', async () => {
    const sent = serve();
    render();
    const pending = await queue();
    const reject = pending.getByRole('button', {
      name: 'Reject the exception for Checkout: Has TechDocs',
    });
    expect(reject).toBeDisabled();

    await userEvent.type(
      pending.getByRole('textbox', { name: 'Note to the owners of Checkout' }),
      '  Publish a stub page first.  ',
    );
    expect(reject).toBeEnabled();
    await userEvent.click(reject);

    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'Rejected: Checkout — Has TechDocs.',
      ),
    );
    expect(sent).toEqual([
      {
        id: 'e1',
        decision: { decision: 'reject', note: 'Publish a stub page first.' },
      },
    ]);
  });

  it('shows a refused decision next to the request and keeps it waiting', async () => {
    serve({
      answer: () =>
        errorResponse(
          409,
          'ConflictError',
          'The exception was decided already',
        ),
    });
    render();
    const pending = await queue();
    await userEvent.click(
      pending.getByRole('button', {
        name: 'Approve the exception for Checkout: Has TechDocs',
      }),
    );

    await waitFor(() =>
      expect(
        pending
          .getAllByRole('alert')
          .some(a =>
            a.textContent?.includes(
              'The exception was decided already (HTTP 409)',
            ),
          ),
      ).toBe(true),
    );
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
    expect(
      screen.getByRole('heading', { name: 'Waiting for a decision (2)' }),
    ).toBeInTheDocument();
  });

  it('says when no request waits', async () => {
    serve({ exceptions: [approvedBilling] });
    render();
    expect(
      await screen.findByRole('heading', {
        name: 'Waiting for a decision (0)',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText(/^No request waits\./)).toBeInTheDocument();
  });
});
