import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  basilUi,
  checkoutService,
  currentMetrics,
  deploymentFixture,
  emptyMetrics,
  previousMetrics,
} from '../../__testUtils__/fixtures';
import {
  aiSplitFixture,
  isPreviousWindow,
  renderEntityDelivery,
  serveDora,
} from '../../__testUtils__/render';

describe('the Delivery dashboard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const tile = (name: string) => screen.getByRole('article', { name });

  it('shows each metric with its change against the previous window and its DORA band', async () => {
    serveDora(server, {
      metrics: url =>
        isPreviousWindow(url) ? previousMetrics : currentMetrics,
    });
    await renderEntityDelivery(checkoutService);

    await screen.findByRole('article', { name: 'Deployment frequency' });

    const frequency = tile('Deployment frequency');
    expect(within(frequency).getByText('1.7 / day')).toBeInTheDocument();
    expect(
      within(frequency).getByText('+67% vs previous 30 days'),
    ).toBeInTheDocument();
    expect(within(frequency).getByText('(better)')).toBeInTheDocument();
    expect(within(frequency).getByText('High · DORA 2024')).toBeInTheDocument();
    expect(within(frequency).getByText('50 deployments')).toBeInTheDocument();

    // Lower is better for lead time: a drop is good news.
    const leadTime = tile('Change lead time');
    expect(within(leadTime).getByText('3.2 h')).toBeInTheDocument();
    expect(
      within(leadTime).getByText('−20% vs previous 30 days'),
    ).toBeInTheDocument();
    expect(within(leadTime).getByText('(better)')).toBeInTheDocument();
    const eliteChip = within(leadTime).getByText('Elite · DORA 2024');
    expect(eliteChip).toHaveAttribute(
      'title',
      expect.stringContaining('Accelerate State of DevOps Report 2024'),
    );
    expect(eliteChip).toHaveAttribute(
      'title',
      expect.stringContaining(
        '2025 survey bucket: between one hour and one day',
      ),
    );

    // Rates change in percentage points; a higher fail rate is bad news.
    const failRate = tile('Change fail rate');
    expect(within(failRate).getByText('12%')).toBeInTheDocument();
    expect(
      within(failRate).getByText('+2 pts vs previous 30 days'),
    ).toBeInTheDocument();
    expect(within(failRate).getByText('(worse)')).toBeInTheDocument();
    expect(
      within(failRate).getByText('Medium · DORA 2024'),
    ).toBeInTheDocument();
    expect(
      within(failRate).getByText('6 of 50 deployments failed'),
    ).toBeInTheDocument();

    const recovery = tile('Failed deployment recovery time');
    expect(within(recovery).getByText('45 min')).toBeInTheDocument();
    expect(
      within(recovery).getByText('No change vs previous 30 days'),
    ).toBeInTheDocument();

    // Rework rate has no 2024 cluster: the 2025 survey bucket stands in.
    const rework = tile('Deployment rework rate');
    expect(within(rework).getByText('8%')).toBeInTheDocument();
    expect(within(rework).getByText('0–15% · DORA 2025')).toBeInTheDocument();
  });

  it('asks for the window the user picked and the window before it, in one read', async () => {
    const requests = serveDora(server, {
      metrics: url =>
        isPreviousWindow(url) ? previousMetrics : currentMetrics,
    });
    await renderEntityDelivery(checkoutService, {
      initialRouteEntries: ['/?window=custom&from=2026-03-01&to=2026-03-30'],
    });
    await screen.findByRole('article', { name: 'Deployment frequency' });

    const reads = requests
      .filter(url => url.pathname.endsWith('/metrics'))
      .map(url => Object.fromEntries(url.searchParams));
    // Both windows from one state of the analysis: one request, the
    // backend answering the 30 days before in `previous`.
    expect(reads).toEqual([
      {
        entityRef: 'component:default/checkout-service',
        environment: 'production',
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-31T00:00:00.000Z',
        previousWindows: '1',
      },
    ]);
  });

  it('opens the deployments behind a tile, says why each failed and pages with the cursor', async () => {
    const failed = deploymentFixture({
      id: 'deploy-41',
      failed: true,
      failure: [
        { rule: 'incident-names-deployment', incidentId: 'INC-12' },
        { rule: 'rolled-back', rollbackDeploymentId: 'deploy-42' },
      ],
      incidents: [
        {
          id: 'INC-12',
          openedAt: '2026-11-20T11:00:00.000Z',
          resolvedAt: '2026-11-20T13:00:00.000Z',
          relation: 'caused',
        },
      ],
      recoverySeconds: 2 * 3600,
      delivered: [
        {
          sha: 'feedface1234',
          changeId: 'PR-501',
          authoredAt: '2026-11-19T10:00:00.000Z',
          leadTimeSeconds: 24 * 3600 + 360,
          labels: ['hotfix'],
        },
        { sha: 'cafebabe5678', leadTimeSeconds: 3 * 3600 },
      ],
      rework: true,
      reworkReasons: ['label:hotfix'],
    });
    const older = deploymentFixture({
      id: 'deploy-17',
      failed: true,
      failure: [
        {
          rule: 'incident-names-delivered-sha',
          incidentId: 'INC-9',
          sha: 'abcdef123456',
        },
      ],
    });
    const requests = serveDora(server, {
      metrics: url =>
        isPreviousWindow(url) ? previousMetrics : currentMetrics,
      deployments: url =>
        url.searchParams.get('cursor') === 'page-2'
          ? { items: [older], totalItems: 2 }
          : { items: [failed], totalItems: 2, nextCursor: 'page-2' },
    });
    await renderEntityDelivery(checkoutService);

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Show the deployments behind change fail rate',
      }),
    );

    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Change fail rate: failed deployments'),
    ).toBeInTheDocument();
    expect(
      await within(dialog).findByText(
        'An incident (INC-12) named this deployment as its cause',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Rolled back by deployment deploy-42'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Recovered in 2 h')).toBeInTheDocument();
    expect(
      within(dialog).getByText('Delivers a change labelled “hotfix”'),
    ).toBeInTheDocument();
    // Each delivered change with its lead time.
    const changes = within(dialog).getByRole('grid', {
      name: '2 delivered changes',
    });
    expect(within(changes).getByText('PR-501')).toBeInTheDocument();
    expect(within(changes).getByText('1 d')).toBeInTheDocument();
    expect(within(changes).getByText('3 h')).toBeInTheDocument();
    expect(
      within(dialog).getByText(/INC-12 attributed to this deployment/),
    ).toBeInTheDocument();

    const firstRead = requests.find(url =>
      url.pathname.endsWith('/deployments'),
    )!;
    expect(firstRead.searchParams.get('filter')).toBe('failed');
    expect(firstRead.searchParams.get('cursor')).toBeNull();

    await userEvent.click(
      within(dialog).getByRole('button', { name: /Load more/ }),
    );
    expect(
      await within(dialog).findByText(
        'An incident (INC-9) named commit abcdef1, which this deployment delivered, as its cause',
      ),
    ).toBeInTheDocument();
    // The first page stays; the second is appended.
    expect(
      within(dialog).getByText('Rolled back by deployment deploy-42'),
    ).toBeInTheDocument();
    const pages = requests.filter(url => url.pathname.endsWith('/deployments'));
    expect(pages.map(url => url.searchParams.get('cursor'))).toEqual([
      null,
      'page-2',
    ]);
    expect(
      within(dialog).queryByRole('button', { name: /Load more/ }),
    ).not.toBeInTheDocument();
  });

  it('drills into the deployments that fit each metric', async () => {
    const requests = serveDora(server, {
      metrics: url =>
        isPreviousWindow(url) ? previousMetrics : currentMetrics,
      deployments: () => ({ items: [], totalItems: 0 }),
    });
    await renderEntityDelivery(checkoutService);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Show the deployments behind deployment rework rate',
      }),
    );
    expect(
      await screen.findByText('No deployments in this window.'),
    ).toBeInTheDocument();
    expect(
      requests
        .find(url => url.pathname.endsWith('/deployments'))!
        .searchParams.get('filter'),
    ).toBe('rework');
  });

  it('teaches how to send events when a component has none', async () => {
    serveDora(server, { metrics: () => emptyMetrics });
    await renderEntityDelivery(basilUi);

    const help = await screen.findByRole('region', {
      name: 'How to send delivery events',
    });
    expect(
      within(help).getByText(
        'No deployments for Basil UI in production in this window',
      ),
    ).toBeInTheDocument();
    const command = await within(help).findByLabelText(
      'Sample deployment event',
    );
    expect(command).toHaveTextContent(
      'curl -X POST "http://localhost:7007/api/dora/events"',
    );
    expect(command).toHaveTextContent(
      '"service": "component:default/basil-ui"',
    );
    expect(command).toHaveTextContent('"environment": "production"');
    // Not annotated yet: how to connect GitHub.
    expect(within(help).getByLabelText('GitHub annotation')).toHaveTextContent(
      'github.com/project-slug: <owner>/<repository>',
    );
    // No zeros dressed up as metrics.
    expect(
      screen.queryByRole('article', { name: 'Deployment frequency' }),
    ).not.toBeInTheDocument();
  });

  it('checks again when the events are not matched to the component yet', async () => {
    let attributed = false;
    serveDora(server, {
      metrics: url => {
        if (!attributed) return { ...emptyMetrics, unattributedEvents: 10300 };
        return isPreviousWindow(url) ? previousMetrics : currentMetrics;
      },
    });
    await renderEntityDelivery(checkoutService);
    expect(
      await screen.findByText(
        /10300 events in the portal name a service no catalog component matches/,
      ),
    ).toBeInTheDocument();

    attributed = true;
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    const frequency = await screen.findByRole('article', {
      name: 'Deployment frequency',
    });
    expect(within(frequency).getByText('1.7 / day')).toBeInTheDocument();
  });

  it('says when deployments are still being analysed instead of reporting none', async () => {
    let analysed = false;
    serveDora(server, {
      metrics: url => {
        if (!analysed) return { ...emptyMetrics, analysisPending: 30 };
        return isPreviousWindow(url) ? previousMetrics : currentMetrics;
      },
    });
    await renderEntityDelivery(checkoutService);
    expect(
      await screen.findByText(
        /The newest events of 30 components in this scope are still being analysed/,
      ),
    ).toBeInTheDocument();

    analysed = true;
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(
      await screen.findByRole('article', { name: 'Deployment frequency' }),
    ).toBeInTheDocument();
  });

  it('shows a backend error as an error, not as zeros', async () => {
    serveDora(server, {
      metrics: () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'from and to must be ISO-8601 timestamps',
            },
          },
          { status: 400, statusText: 'Bad Request' },
        ),
    });
    await renderEntityDelivery(checkoutService);

    expect(
      await screen.findByText('Could not load delivery metrics'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('from and to must be ISO-8601 timestamps (HTTP 400)'),
    ).toBeInTheDocument();
    expect(screen.queryByText('0 / day')).not.toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('article', { name: 'Deployment frequency' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('compares AI-assisted changes with the others, with the counts behind each rate', async () => {
    const side = (
      changes: number,
      leadHours: number,
      deployments: number,
      failed: number,
    ) => ({
      changes,
      changeLeadTime: {
        p50: leadHours * 3600,
        p75: null,
        p90: null,
        n: changes,
      },
      deployments,
      failed,
      changeFailRate: failed / deployments,
      rework: 1,
      deploymentReworkRate: 1 / deployments,
    });
    serveDora(server, {
      metrics: url =>
        isPreviousWindow(url) ? previousMetrics : currentMetrics,
      'ai-split': url =>
        aiSplitFixture(url, {
          aiAssisted: side(12, 3, 8, 2),
          other: side(20, 20, 10, 1),
        }),
    });
    await renderEntityDelivery(checkoutService);
    const table = await screen.findByRole('table', {
      name: 'AI-assisted changes',
    });
    const row = (name: string) =>
      within(table)
        .getByRole('row', { name: new RegExp(`^${name}`) })
        .querySelectorAll('td');
    expect([...row('Change lead time')].map(c => c.textContent)).toEqual([
      '3 h',
      '20 h',
    ]);
    expect([...row('Change fail rate')].map(c => c.textContent)).toEqual([
      '25% (2 of 8 deployments)',
      '10% (1 of 10 deployments)',
    ]);
    expect(
      screen.getByText(
        'AI-assisted changes reach production in 3 h (median) against 20 h for the others, and the deployments carrying them fail more often than the others (25% against 10%).',
      ),
    ).toBeInTheDocument();
  });

  it('explains how changes count as AI-assisted when none did in the window', async () => {
    serveDora(server, {
      metrics: url =>
        isPreviousWindow(url) ? previousMetrics : currentMetrics,
    });
    await renderEntityDelivery(checkoutService);
    expect(
      await screen.findByText(/No AI-assisted change reached production/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'AI-assisted changes' }),
    ).not.toBeInTheDocument();
  });
});
