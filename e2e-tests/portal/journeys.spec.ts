import { test, expect } from '@playwright/test';
import { pickEntity, screenshot } from './helpers';

/*
 * A newcomer's ordinary journeys, each without a dead end.
 */

test('who owns Search Service and where is its runbook: the About card answers both, and the docs search answers', async ({
  page,
}) => {
  const failedSearches: string[] = [];
  page.on('response', response => {
    if (response.url().includes('/api/search/') && response.status() >= 400) {
      failedSearches.push(`${response.status()} ${response.url()}`);
    }
  });

  await page.goto('/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=all');
  await page.getByRole('link', { name: 'Search Service', exact: true }).click();
  const about = page.getByRole('article').filter({
    has: page.getByRole('heading', { name: 'About' }),
  });
  await expect(
    about.getByRole('link', { name: 'Storefront' }).first(),
  ).toBeVisible();

  await about.getByRole('link', { name: 'Runbook' }).click();
  await expect(page).toHaveURL(
    /\/docs\/default\/component\/search-service\/runbook\/$/,
  );
  // Built with mkdocs on first view, so allow for the build.
  await expect(
    page.getByRole('heading', { name: 'Runbook', level: 1 }),
  ).toBeVisible({ timeout: 60_000 });
  // The stuck rollout is explained with the real namespace and deployment.
  await expect(
    page
      .getByText(
        /kubectl -n storefront rollout status deployment\/search-service/,
      )
      .first(),
  ).toBeVisible();
  await screenshot(page, 'runbook');

  // Searching inside the docs answers: the docs page's search box asks
  // the search API for TechDocs of this entity, which answered 500 while
  // no docs had been indexed yet. Asked the same way, as the signed-in
  // user, it answers.
  const refresh = await page.request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const { backstageIdentity } = await refresh.json();
  const answer = await page.request.get(
    '/api/search/query?term=rollout&types%5B0%5D=techdocs&filters%5Bkind%5D=Component&filters%5Bnamespace%5D=default&filters%5Bname%5D=search-service',
    { headers: { Authorization: `Bearer ${backstageIdentity.token}` } },
  );
  expect(answer.status()).toBe(200);
  expect(Array.isArray((await answer.json()).results)).toBe(true);
  // And nothing the page itself asked of search failed.
  expect(failedSearches).toEqual([]);
});

test('a team page lists the team’s services by name, each a link', async ({
  page,
}) => {
  await page.goto('/catalog/default/group/storefront');
  const services = page.getByRole('article').filter({
    has: page.getByRole('heading', { name: 'Services and components' }),
  });
  for (const name of [
    'Basil UI',
    'Product Catalogue Service',
    'Recommendations Service',
    'Search Service',
    'Storefront Web',
  ]) {
    await expect(
      services.getByRole('link', { name, exact: true }),
    ).toBeVisible();
  }
  await screenshot(page, 'team-services');
  await services
    .getByRole('link', { name: 'Search Service', exact: true })
    .click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/search-service/);

  // A department owns its services through its teams: no empty list, and
  // its teams are links.
  await page.goto('/catalog/default/group/engineering');
  await expect(
    page.getByRole('link', { name: 'Storefront' }).first(),
  ).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'Services and components' }),
  ).toHaveCount(0);
});

test('a bad service name is explained in words, not as a JSON-schema pattern', async ({
  page,
}) => {
  await page.goto('/create/templates/default/typescript-service');
  const name = page.getByRole('textbox', { name: 'Name' });
  await expect(name).toBeVisible({ timeout: 30_000 });
  await name.fill('Order Router');
  await page
    .getByRole('textbox', { name: 'Description' })
    .fill('Routes orders to the nearest store.');
  await pickEntity(page, 'Owner', 'checkout', /checkout/i);
  await pickEntity(page, 'System', 'checkout', /checkout/i);
  await page.getByRole('button', { name: 'Next' }).click();
  // Under the field, and in the list above the form.
  const problem = page.getByText(
    'Use lowercase letters only: order router would do.',
  );
  await expect(problem.first()).toBeVisible();
  await expect(
    page.getByText('Use only letters, digits and hyphens: no spaces.').first(),
  ).toBeVisible();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/must match pattern/)).toHaveCount(0);
  await screenshot(page, 'create-form-bad-name');

  // Fixed, the message goes.
  await name.fill('order-router');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(problem).toHaveCount(0);
});

test('last week’s failed deployments and last month’s cost: the same windows on Delivery and Cost', async ({
  page,
}) => {
  const pickWindow = async (label: string) => {
    await page
      .getByRole('button', { name: /Window/ })
      .first()
      .click();
    await page.getByRole('option', { name: label, exact: true }).click();
  };
  for (const tab of ['delivery', 'cost']) {
    await page.goto(`/catalog/default/group/checkout/${tab}`);
    await page
      .getByRole('button', { name: /Window/ })
      .first()
      .click();
    for (const label of [
      'Last 7 days',
      'Last 30 days',
      'Last 90 days',
      'Last 180 days',
      'This month',
      'Last month',
      'Custom dates',
    ]) {
      await expect(
        page.getByRole('option', { name: label, exact: true }),
      ).toBeVisible();
    }
    await page.keyboard.press('Escape');
  }

  // Which of my team's deployments failed last week?
  await page.goto('/catalog/default/group/checkout/delivery');
  await pickWindow('Last 7 days');
  await expect(page).toHaveURL(/window=7\b/);
  // Clicking anywhere on a tile opens the deployments behind it.
  await page
    .getByRole('article', { name: 'Change fail rate', exact: true })
    .click();
  const deployments = page.getByRole('dialog');
  await expect(
    deployments.getByRole('heading', {
      name: 'Change fail rate: failed deployments',
    }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(page).toHaveURL(/deployments=changeFailRate/);
  await screenshot(page, 'delivery-last-7-days');
  await page.keyboard.press('Escape');

  // What did this service cost last month?
  await page.goto('/catalog/default/component/checkout-service/cost');
  await pickWindow('Last month');
  await expect(page).toHaveURL(/window=last-month/);
  const lastMonth = new Date();
  lastMonth.setUTCDate(1);
  lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
  const monthName = lastMonth.toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  await expect(page.getByText(monthName).first()).toBeVisible();
  await screenshot(page, 'cost-last-month');
});

test('a keyboard user skips the sidebar: the first Tab offers “Skip to content”', async ({
  page,
}) => {
  for (const path of [
    '/delivery',
    '/catalog/default/component/checkout-service',
  ]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible({
      timeout: 30_000,
    });
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    if (path === '/delivery') await screenshot(page, 'skip-to-content');
    await page.keyboard.press('Enter');
    await expect(skip).not.toBeFocused();
    const focused = await page.evaluate(() => {
      const active = document.activeElement;
      return active?.tagName === 'MAIN' || active?.tagName === 'H1';
    });
    expect(focused, `focus on the page's content at ${path}`).toBe(true);
    // The next Tab stop is inside the page, not the sidebar.
    await page.keyboard.press('Tab');
    const inSidebar = await page.evaluate(
      () => !!document.activeElement?.closest('nav[aria-label="sidebar nav"]'),
    );
    expect(inSidebar).toBe(false);
  }
});
