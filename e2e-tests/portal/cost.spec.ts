import { test, expect, type Page } from '@playwright/test';
import { screenshot } from './helpers';

/*
 * Cost per workload in the local default: OpenCost allocations pulled from
 * the demo OpenCost (packages/opencost-local), the demo FOCUS billing file
 * and request counts from a real Prometheus, allocated to catalog entities
 * by the cost backend. The numbers on the page must be the API's.
 */

const money = (amount: number, currency: string) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(amount);

/** The /api/cost/entity answer the page renders. */
function entityRead(page: Page, entityRef: string) {
  return page.waitForResponse(
    r =>
      r.url().includes('/api/cost/entity?') &&
      decodeURIComponent(r.url()).includes(entityRef) &&
      r.status() === 200,
    { timeout: 60_000 },
  );
}

test('a component’s Cost tab shows what it cost, direct and distributed, per category and per request', async ({
  page,
}) => {
  // The backend pulls the demo OpenCost and FOCUS data and allocates it
  // once started; the first test may open the tab before that is done.
  let cost = {
    total: 0,
    direct: 0,
    distributed: 0,
    currency: 'USD',
    averageCostPerRequest: null as number | null,
  };
  await expect
    .poll(
      async () => {
        const read = entityRead(page, 'component:default/checkout-service');
        await page.goto('/catalog/default/component/checkout-service/cost');
        cost = await (await read).json();
        return cost.total;
      },
      { timeout: 120_000, intervals: [3_000] },
    )
    // Believable demo cost, through the real source paths.
    .toBeGreaterThan(100);
  expect(cost.direct + cost.distributed).toBeCloseTo(cost.total, 2);

  const summary = page.getByRole('region', { name: 'Cost summary' });
  await expect(
    summary.getByText(money(cost.total, cost.currency)),
  ).toBeVisible();
  await expect(
    summary.getByText(money(cost.direct, cost.currency)),
  ).toBeVisible();
  await expect(
    summary.getByText(money(cost.distributed, cost.currency)),
  ).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'Cost per day' }),
  ).toBeVisible();
  // Requests from Prometheus make cost per request a number.
  expect(cost.averageCostPerRequest).toBeGreaterThan(0);
  await expect(page.getByText('Month-end forecast')).toBeVisible();
  await screenshot(page, 'cost-component');
});

test('a team’s Cost tab ranks the components it owns', async ({ page }) => {
  await page.goto('/catalog/default/group/checkout/cost');
  const ranking = page.getByRole('grid', { name: 'Components by cost' });
  await expect(ranking).toBeVisible({ timeout: 60_000 });
  await expect(
    ranking.getByRole('link', { name: 'Checkout Service' }),
  ).toBeVisible();
  await expect(
    ranking.getByRole('link', { name: 'Orders Service' }),
  ).toBeVisible();
  await screenshot(page, 'cost-team');
});

test('a cost anomaly says what changed: the category that moved, and from what', async ({
  page,
}) => {
  // The demo OpenCost runs product-catalog-service at four times its pods
  // and twice its CPU on one day three days ago, and the demo billing
  // export stops a few days before today: within the last 30 days (named,
  // since the last window a user chose is kept) its anomalies are a spike,
  // drops in cloud services, or both, each said in words.
  await page.goto(
    '/catalog/default/component/product-catalog-service/cost?window=30',
  );
  const anomalies = page.getByRole('grid', { name: 'Cost anomalies' });
  await expect(anomalies).toBeVisible({ timeout: 60_000 });
  await expect(
    anomalies
      .getByText(
        /^(Compute|Memory|GPU|Storage|Network|Load balancer|Cloud services|Shared|Idle) (rose|fell) to \$[\d,.]+, from \$[\d,.]+ a day on average$/,
      )
      .first(),
  ).toBeVisible();
  await screenshot(page, 'component-cost-anomaly');
});
