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
import { ComponentWorkloadsContent } from './ComponentWorkloadsContent';

describe('the Workloads tab of a component', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows each workload, worst first, with its problems and checks', async () => {
    serveKubeStatus(server, { entity: () => checkoutStatus });
    await renderForEntity(checkoutServiceEntity, <ComponentWorkloadsContent />);

    const workloads = await screen.findAllByRole('article');
    expect(
      workloads.map(
        w => within(w).getByRole('heading', { level: 2 }).textContent,
      ),
    ).toEqual([
      'production · Deployment checkout-service',
      'staging · Deployment checkout-service',
    ]);
    const [production, staging] = workloads;
    expect(
      within(production).getByText('CrashLoopBackOff'),
    ).toBeInTheDocument();
    expect(
      within(production).getByText(/kubectl logs --previous/),
    ).toBeInTheDocument();
    const checks = within(production).getByRole('list', {
      name: 'Live checks',
    });
    const failed = within(checks)
      .getAllByRole('listitem')
      .filter(item => within(item).queryByText('Fail'));
    expect(failed.map(item => item.textContent)).toEqual([
      'FailReadiness and liveness probes — Container app has no readiness probe',
    ]);
    expect(within(staging).queryByText('CrashLoopBackOff')).toBeNull();
    expect(within(staging).getAllByText('N/A')).toHaveLength(2);
  });

  it('lists the rollout history newest first with the current revision marked', async () => {
    serveKubeStatus(server, { entity: () => checkoutStatus });
    await renderForEntity(checkoutServiceEntity, <ComponentWorkloadsContent />);

    const history = await screen.findByRole('grid', {
      name: 'Rollout history of checkout-service in prod-eu',
    });
    const rows = within(history).getAllByRole('row').slice(1);
    expect(
      rows.map(row => within(row).getByRole('rowheader').textContent),
    ).toEqual([
      '7 Currentcheckout-service-7d9f',
      '6 checkout-service-5b6c',
      '5 checkout-service-48aa',
    ]);
    const [current, previous] = rows;
    expect(
      within(current).getByText('checkout-service:1.4.2'),
    ).toBeInTheDocument();
    expect(within(current).getByText('0/3')).toBeInTheDocument();
    expect(
      within(current).getByText('26 Nov 2026, 21:15 UTC'),
    ).toBeInTheDocument();
    expect(within(previous).queryByText('Current')).toBeNull();
    expect(
      within(previous).getByText('checkout-service:1.4.1'),
    ).toBeInTheDocument();
    expect(
      within(previous).getByText('24 Nov 2026, 09:30 UTC'),
    ).toBeInTheDocument();
  });

  it('says when the user may not see the workloads', async () => {
    serveKubeStatus(server, {
      entity: () => errorResponse(403, 'NotAllowedError', 'Not allowed'),
    });
    await renderForEntity(checkoutServiceEntity, <ComponentWorkloadsContent />);
    expect(
      await screen.findByText(
        "You don't have permission to see the workloads of Checkout Service.",
      ),
    ).toBeInTheDocument();
  });
});
