import { test, expect } from '@playwright/test';
import { screenshot } from './helpers';

test('the official Kubernetes tab shows a component’s failing pods from the demo clusters', async ({
  page,
}) => {
  await page.goto(
    '/catalog/default/component/order-events-ingestor/kubernetes',
  );
  await expect(page.getByText('eu-west-prod').first()).toBeVisible({
    timeout: 30_000,
  });
  // The official plugin reports the crash-looping pods of the demo cluster.
  await expect(
    page.getByRole('heading', { name: 'Error Reporting' }),
  ).toBeVisible();
  await expect(
    page.getByText(/back-off 5m0s restarting failed/).first(),
  ).toBeVisible();
  await expect(page.getByText(/restarted \d+ times/).first()).toBeVisible();
  await screenshot(page, 'kubernetes-tab');
});
