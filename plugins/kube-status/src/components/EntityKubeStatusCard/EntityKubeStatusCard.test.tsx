import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  checkoutServiceEntity,
  checkoutStatus,
} from '../../__testUtils__/fixtures';
import {
  errorResponse,
  renderForEntity,
  serveKubeStatus,
} from '../../__testUtils__/render';
import { EntityKubeStatusCard } from './EntityKubeStatusCard';

describe('the Kubernetes status card', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the overall health and one line per environment', async () => {
    const requests = serveKubeStatus(server, { entity: () => checkoutStatus });
    await renderForEntity(checkoutServiceEntity, <EntityKubeStatusCard />);

    const card = await screen.findByRole('article', { name: 'Kubernetes' });
    const environments = await within(card).findByRole('list', {
      name: 'Environments',
    });
    const lines = within(environments).getAllByRole('listitem');
    expect(lines.map(line => line.textContent)).toEqual([
      'productionFailing0/3 ready · 1.4.2CrashLoopBackOff',
      'stagingHealthy1/1 ready · 1.4.3',
    ]);
    // The overall health is the worst environment's.
    expect(within(card).getAllByText('Failing')).toHaveLength(2);
    expect(
      within(card).getByText('2 workloads in 2 clusters'),
    ).toBeInTheDocument();
    expect(
      within(card).getByRole('link', {
        name: 'Workloads, rollouts and checks',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout-service/workloads',
    );
    expect(requests[0].searchParams.get('entityRef')).toBe(
      'component:default/checkout-service',
    );
  });

  it('says when the user may not see the status', async () => {
    serveKubeStatus(server, {
      entity: () => errorResponse(403, 'NotAllowedError', 'Not allowed'),
    });
    await renderForEntity(checkoutServiceEntity, <EntityKubeStatusCard />);
    expect(
      await screen.findByText(
        "You don't have permission to see the Kubernetes status of Checkout Service.",
      ),
    ).toBeInTheDocument();
  });

  it('says when no workload matches the annotation', async () => {
    serveKubeStatus(server, {
      entity: () => ({ ...checkoutStatus, workloads: [] }),
    });
    await renderForEntity(checkoutServiceEntity, <EntityKubeStatusCard />);
    expect(await screen.findByText(/No workload matches/)).toHaveTextContent(
      'No workload matches backstage.io/kubernetes-id=checkout-service in any cluster.',
    );
  });
});
