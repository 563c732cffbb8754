import { test, expect } from '@playwright/test';
import { screenshot } from './helpers';

test('a team’s Workloads tab shows each service’s live state, with the crash-looping one explained', async ({
  page,
}) => {
  await page.goto('/catalog/default/group/data-platform/workloads');
  const table = page.getByRole('grid', { name: 'Workloads' });
  await expect(table).toBeVisible({ timeout: 60_000 });
  // The summary counts the team's services by health.
  await expect(page.getByText(/\d+ services · \d+ failing/)).toBeVisible();
  // The demo cluster's crash-looping ingestor, with Kubernetes' reason and
  // what to do about it, right under its row.
  await expect(
    table
      .getByRole('link', { name: /order-events-ingestor|Order Events/i })
      .first(),
  ).toBeVisible();
  await expect(page.getByText('CrashLoopBackOff').first()).toBeVisible();
  await expect(
    page.getByText(/keeps exiting after it starts/).first(),
  ).toBeVisible();
  await screenshot(page, 'team-workloads');
});

test('a component’s Workloads tab shows a stuck rollout and its rollout history', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/search-service/workloads');
  await expect(
    page
      .getByRole('grid', { name: /Rollout history of search-service/ })
      .first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    page.getByText(/ProgressDeadlineExceeded|stuck/i).first(),
  ).toBeVisible();
  await expect(page.getByText('ImagePullBackOff').first()).toBeVisible();
  await screenshot(page, 'component-workloads');
});

test('the component overview has a Kubernetes status card', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/checkout-service');
  await expect(
    page.getByText(/workloads? in \d+ clusters?/).first(),
  ).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByText('production').first()).toBeVisible();
  await screenshot(page, 'component-kubernetes-card');
});
