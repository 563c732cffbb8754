import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  checkoutGroup,
  checkoutTeamStatus,
  designGroup,
  noComponentsTeamStatus,
  staleTeamStatus,
} from '../../__testUtils__/fixtures';
import {
  errorResponse,
  renderForEntity,
  serveKubeStatus,
} from '../../__testUtils__/render';
import { TeamWorkloadsContent } from './TeamWorkloadsContent';

describe('the Workloads tab of a team', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /** The table's workload rows (not the problem rows under them), as text. */
  const workloadRows = () =>
    within(screen.getByRole('grid', { name: 'Workloads' }))
      .getAllByRole('row')
      .filter(
        row =>
          within(row).queryByRole('rowheader') &&
          !within(row).queryByRole('list', { name: 'Pod problems' }),
      );

  const rowOf = (component: string, environment: string) =>
    workloadRows().find(
      row =>
        within(row).queryByRole('link', { name: component }) &&
        within(row).queryByRole('gridcell', { name: environment }),
    )!;

  it('shows every workload, worst first, under a summary of the services', async () => {
    const requests = serveKubeStatus(server, {
      team: () => checkoutTeamStatus,
    });
    await renderForEntity(checkoutGroup, <TeamWorkloadsContent />);

    expect(
      await screen.findByText(
        '3 services · 1 failing · 1 degraded · 1 healthy',
      ),
    ).toBeInTheDocument();
    expect(requests[0].searchParams.get('entityRef')).toBe(
      'group:default/checkout',
    );

    const order = workloadRows().map(row => {
      const [component, environment] = Array.from(
        row.querySelectorAll('th, td'),
        cell => cell.textContent,
      );
      return `${component} | ${environment}`;
    });
    expect(order).toEqual([
      'Checkout ServiceDeployment checkout-service | production',
      'Payments APIDeployment payments-api | production',
      'Checkout ServiceDeployment checkout-service | staging',
      'Orders ServiceDeployment orders-service | production',
      'Orders ServiceDeployment orders-service | staging',
    ]);

    const failing = rowOf('Checkout Service', 'production');
    expect(within(failing).getByText('Failing')).toBeInTheDocument();
    expect(within(failing).getByText('0/3 ready')).toBeInTheDocument();
    expect(
      within(failing).getByText('checkout-service:1.4.2'),
    ).toBeInTheDocument();
    expect(within(failing).getByText('3 failing pods')).toBeInTheDocument();
    expect(
      within(failing).getByText('Readiness and liveness probes', {
        exact: false,
      }),
    ).toBeInTheDocument();
    expect(
      within(failing).getByRole('link', { name: 'Checkout Service' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout-service');

    const stuck = rowOf('Payments API', 'production');
    expect(within(stuck).getByText('Degraded')).toBeInTheDocument();
    expect(within(stuck).getByText('Stuck · revision 12')).toBeInTheDocument();
    expect(
      within(stuck).getByText(
        'ReplicaSet "payments-api-6c7d" has timed out progressing.',
      ),
    ).toBeInTheDocument();
  });

  it('shows under the crash-looping row why its pods fail and how to fix it', async () => {
    serveKubeStatus(server, { team: () => checkoutTeamStatus });
    await renderForEntity(checkoutGroup, <TeamWorkloadsContent />);

    const problems = await screen.findByRole('list', {
      name: 'Pod problems',
    });
    // The problem row comes right after the failing workload's row.
    const failing = rowOf('Checkout Service', 'production');
    expect(failing.nextElementSibling).toContainElement(problems);
    expect(within(problems).getByText('CrashLoopBackOff')).toBeInTheDocument();
    expect(
      within(problems).getByText(/3 pods: checkout-service-7d9f-abcde \(app\)/),
    ).toBeInTheDocument();
    expect(within(problems).getByText(/42 restarts/)).toBeInTheDocument();
    expect(
      within(problems).getByText(
        /read its last logs \(kubectl logs --previous\)/,
      ),
    ).toBeInTheDocument();
    // Only the failing workload has problems to show.
    expect(screen.getAllByRole('list', { name: 'Pod problems' })).toHaveLength(
      1,
    );
  });

  it('filters by environment and counts the services again', async () => {
    serveKubeStatus(server, { team: () => checkoutTeamStatus });
    await renderForEntity(checkoutGroup, <TeamWorkloadsContent />);
    await screen.findByText('3 services · 1 failing · 1 degraded · 1 healthy');

    await userEvent.click(screen.getByRole('button', { name: /Environment/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'staging' }),
    );

    await waitFor(() => expect(workloadRows()).toHaveLength(2));
    expect(
      workloadRows().map(row => within(row).getByRole('link').textContent),
    ).toEqual(['Checkout Service', 'Orders Service']);
    expect(
      screen.getByText(
        '3 services · 2 healthy · 1 with no workload in staging',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Pod problems' })).toBeNull();
  });

  it('keeps the environment in the URL, so a filtered view can be shared', async () => {
    serveKubeStatus(server, { team: () => checkoutTeamStatus });
    await renderForEntity(checkoutGroup, <TeamWorkloadsContent />, {
      initialRouteEntries: ['/?environment=production'],
    });

    expect(
      await screen.findByText(
        '3 services · 1 failing · 1 degraded · 1 healthy',
      ),
    ).toBeInTheDocument();
    expect(
      workloadRows().map(row => within(row).getByRole('link').textContent),
    ).toEqual(['Checkout Service', 'Payments API', 'Orders Service']);
  });

  it('names the components whose annotation matches no workload', async () => {
    serveKubeStatus(server, {
      team: () => ({
        ...checkoutTeamStatus,
        components: [
          ...checkoutTeamStatus.components,
          {
            entityRef: 'component:default/basket-worker',
            matchedBy: 'backstage.io/kubernetes-id=basket-worker',
            health: 'unknown',
            workloads: [],
            clusters: [],
          },
        ],
      }),
    });
    await renderForEntity(checkoutGroup, <TeamWorkloadsContent />);

    expect(
      await screen.findByText(
        '4 services · 1 failing · 1 degraded · 1 healthy · 1 with no workload',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /No workload in any cluster for basket-worker \(backstage.io\/kubernetes-id=basket-worker\)/,
      ),
    ).toBeInTheDocument();
  });

  it('warns which clusters’ data may be stale', async () => {
    serveKubeStatus(server, { team: () => staleTeamStatus });
    await renderForEntity(checkoutGroup, <TeamWorkloadsContent />);

    const alert = await screen.findByRole('region', {
      name: 'Cluster sync problems',
    });
    expect(
      within(alert).getByText('Some Kubernetes data may be stale'),
    ).toBeInTheDocument();
    expect(
      within(alert).getByText(/cannot read pods \(forbidden \(HTTP 403\)\)/),
    ).toBeInTheDocument();
    expect(
      within(alert).getByText(/cannot be reached; last update/),
    ).toHaveTextContent(/Its workloads may be out of date/);
    expect(within(alert).getByText('staging-eu')).toBeInTheDocument();
    expect(within(alert).getByText('prod-eu')).toBeInTheDocument();
    // Each row from those clusters says so too.
    expect(
      within(rowOf('Orders Service', 'staging')).getByText('may be stale'),
    ).toBeInTheDocument();
  });

  it('shows no banner when every cluster is in sync', async () => {
    serveKubeStatus(server, { team: () => checkoutTeamStatus });
    await renderForEntity(checkoutGroup, <TeamWorkloadsContent />);
    await screen.findByRole('grid', { name: 'Workloads' });
    expect(
      screen.queryByRole('region', { name: 'Cluster sync problems' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('may be stale')).not.toBeInTheDocument();
  });

  it('explains the annotations when no component of the team is connected', async () => {
    serveKubeStatus(server, { team: () => noComponentsTeamStatus });
    await renderForEntity(designGroup, <TeamWorkloadsContent />);

    expect(
      await screen.findByText(
        'No component of Design is connected to Kubernetes',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('backstage.io/kubernetes-id').length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByRole('link', {
        name: 'Surfacing your Kubernetes components as part of an entity',
      }),
    ).toHaveAttribute('href', expect.stringContaining('backstage.io/docs'));
    expect(screen.queryByRole('grid')).not.toBeInTheDocument();
  });

  it('says plainly when the user may not see the workloads', async () => {
    serveKubeStatus(server, {
      team: () =>
        errorResponse(
          403,
          'NotAllowedError',
          'Not allowed to read kube status',
        ),
    });
    await renderForEntity(checkoutGroup, <TeamWorkloadsContent />);

    expect(
      await screen.findByText(
        "You don't have permission to see the workloads of Checkout.",
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('grid')).not.toBeInTheDocument();
  });

  it('shows the backend’s error and reads again on Retry', async () => {
    let fail = true;
    serveKubeStatus(server, {
      team: () =>
        fail
          ? errorResponse(500, 'Error', 'The cluster cache is not ready')
          : checkoutTeamStatus,
    });
    await renderForEntity(checkoutGroup, <TeamWorkloadsContent />);

    expect(
      await screen.findByText(/Could not load the workloads of Checkout/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The cluster cache is not ready (HTTP 500)'),
    ).toBeInTheDocument();

    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('grid', { name: 'Workloads' }),
    ).toBeInTheDocument();
  });
});
