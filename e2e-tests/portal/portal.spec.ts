import { test, expect } from '@playwright/test';
import { expectAccessible, screenshot } from './helpers';

test('the home page is branded Paved and puts search first', async ({
  page,
}) => {
  await page.goto('/');
  await expect(
    page.getByRole('heading', { level: 1, name: 'Paved' }),
  ).toBeVisible();
  await expect(
    page.getByText('One paved road from an idea to a service'),
  ).toBeVisible();
  await expect(
    page.getByPlaceholder('Search services, APIs, teams and docs'),
  ).toBeVisible();
  for (const journey of [
    'Find a service',
    'Create a service',
    'Read the docs',
    'See how your team ships',
  ]) {
    await expect(page.getByRole('heading', { name: journey })).toBeVisible();
  }
  // The guest is a developer on the checkout team.
  const yourTeams = page.getByRole('region', { name: 'Your teams' });
  await expect(yourTeams.getByRole('link', { name: 'Checkout' })).toBeVisible();
  await expect(page).toHaveTitle(/Paved/);
  // The golden paths are featured (the stock widget found none).
  await expect(
    page.getByRole('heading', { name: 'TypeScript service (Node.js 24)' }),
  ).toBeVisible();
  await screenshot(page, 'home');
});

test('the visited lists show an entity once, however many of its tabs were opened', async ({
  page,
}) => {
  for (const tab of ['', '/outcomes', '/cost']) {
    await page.goto(`/catalog/default/group/payments${tab}`);
    await expect(
      page.getByRole('heading', { name: 'Payments', exact: true, level: 2 }),
    ).toBeVisible();
    // The visit is stored in the user's settings once the page has shown.
    await page.waitForLoadState('networkidle');
  }
  await page.goto('/');
  // Recently Visited starts with the team, once, and lists no page twice
  // (visits are the user's, so earlier tests' pages are in it too).
  const recent = page
    .getByText('Recently Visited', { exact: true })
    .locator('xpath=following::ul[1]');
  const entries = recent.getByRole('link');
  await expect(entries.first()).toHaveText('Payments', { timeout: 30_000 });
  await expect(recent.getByRole('link', { name: 'Payments' })).toHaveCount(1);
  const names = await entries.allTextContents();
  expect(new Set(names).size).toBe(names.length);
});

test('the catalog lists the demo components and filters by owner', async ({
  page,
}) => {
  await page.goto('/catalog?filters[kind]=component&filters[user]=all');
  const table = page.getByRole('table');
  await expect(
    table.getByRole('link', { name: 'Checkout Service' }),
  ).toBeVisible();
  await expect(
    table.getByRole('link', { name: 'Delivery Routing' }),
  ).toBeVisible();
  // 20 demo components plus the portal itself.
  const heading = page.getByRole('heading', { name: /All Components \(\d+\)/ });
  await expect(heading.first()).toBeVisible();
  const total = Number(/\((\d+)\)/.exec(await heading.first().innerText())![1]);
  expect(total).toBeGreaterThanOrEqual(21);
  await screenshot(page, 'catalog');

  // The owner picker fills its options from the catalog; retry the pick
  // until the filter is applied, without toggling an applied choice off.
  const filtered = page
    .getByRole('heading', { name: 'All Components (2)' })
    .first();
  await expect(async () => {
    if (!(await filtered.isVisible())) {
      await page.getByRole('textbox', { name: 'Owner' }).click();
      const payments = page.getByRole('option', { name: 'Payments' });
      await payments.waitFor({ timeout: 5_000 });
      if ((await payments.getAttribute('aria-selected')) !== 'true') {
        await payments.click();
      }
      await page.keyboard.press('Escape');
    }
    await expect(filtered).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await expect(
    table.getByRole('link', { name: 'Payments Gateway' }),
  ).toBeVisible();
  await expect(
    table.getByRole('link', { name: 'Fraud Scoring' }),
  ).toBeVisible();
  await expect(
    table.getByRole('link', { name: 'Checkout Service' }),
  ).toHaveCount(0);
  await screenshot(page, 'catalog-filtered-by-owner');
});

test('a component page shows its owner, APIs and relations', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/checkout-service');
  await expect(
    page.getByRole('heading', { name: 'Checkout Service' }).first(),
  ).toBeVisible();

  const about = page.locator('article', { hasText: 'About' }).first();
  await expect(
    about.getByRole('link', { name: 'Checkout' }).first(),
  ).toBeVisible();
  // The header names the owner as the About card does ("Checkout", not
  // the entity name "checkout").
  const ownerLinks = page.locator('a[href="/catalog/default/group/checkout"]');
  await expect(ownerLinks.nth(1)).toBeVisible();
  await expect(ownerLinks.filter({ hasText: /checkout$/ })).toHaveCount(0);

  const provided = page
    .locator('article', { hasText: 'Provided APIs' })
    .first();
  await expect(
    provided.getByRole('link', { name: 'checkout-api' }),
  ).toBeVisible();
  const consumed = page
    .locator('article', { hasText: 'Consumed APIs' })
    .first();
  await expect(
    consumed.getByRole('link', { name: 'payments-api' }),
  ).toBeVisible();

  const dependsOn = page
    .locator('article', { hasText: 'Depends on components' })
    .first();
  await expect(
    dependsOn.getByRole('link', { name: 'Payments Gateway' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Relations' })).toBeVisible();
  await screenshot(page, 'component');
});

test('TechDocs renders a component’s documentation', async ({ page }) => {
  await page.goto('/docs/default/component/checkout-service');
  // Built with mkdocs on first view, so allow for the build.
  const intro = page.getByText(
    "turns a customer's basket into a confirmed grocery order",
  );
  await expect(intro).toBeVisible({ timeout: 60_000 });
  // TechDocs keeps the page transparent until its stylesheets load; a
  // stylesheet that never loads leaves a blank page with the text "present".
  await expect
    .poll(() =>
      intro.evaluate(element => {
        let opacity = 1;
        for (let e: Element | null = element; e; e = e.parentElement) {
          opacity *= Number(getComputedStyle(e).opacity);
        }
        return opacity;
      }),
    )
    .toBe(1);
  await expect(
    page.getByRole('link', { name: 'Runbook' }).first(),
  ).toBeVisible();
  await screenshot(page, 'techdocs');
  await expectAccessible(page, intro);
});

test('search finds a component by a word from its description', async ({
  page,
}) => {
  await page.goto('/');
  const box = page.getByPlaceholder('Search services, APIs, teams and docs');
  // The catalog is indexed shortly after start-up; retry until it is.
  await expect(async () => {
    await page.goto('/');
    await box.fill('isochrone');
    await box.press('Enter');
    await expect(page).toHaveURL(/\/search\?query=isochrone/);
    await expect(
      page.getByRole('link', { name: /Delivery Routing/ }).first(),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await screenshot(page, 'search');
  await expectAccessible(
    page,
    page.getByRole('link', { name: /Delivery Routing/ }).first(),
  );
});

test('a malformed catalog file shows as a processing error and hides nothing else', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Catalog health' }).click();
  await expect(page).toHaveURL(/\/catalog-health/);
  // The broken file is reported, with the parser's message and its path.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('1 entity failed processing')).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });
  await expect(
    page.getByText(/YAML error at file:.*malformed-entities\.yaml/),
  ).toBeVisible();
  await expect(
    page.getByText(/fixtures\/malformed-entities\.yaml$/).first(),
  ).toBeVisible();
  await screenshot(page, 'catalog-health');

  // The rest of the catalog is unaffected.
  await page.goto('/catalog/default/component/delivery-routing');
  await expect(
    page.getByRole('heading', { name: 'Delivery Routing' }).first(),
  ).toBeVisible();
});

test('on a laptop screen every sidebar item is in sight, and a team without docs shows no TechDocs tab', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/catalog/default/group/fulfilment');
  await expect(
    page.getByRole('heading', { name: 'Fulfilment', exact: true, level: 2 }),
  ).toBeVisible();
  const sidebar = page.getByRole('navigation', { name: 'sidebar nav' });
  for (const name of [
    'Home',
    'Catalog',
    'Create',
    'APIs',
    'Catalog health',
    'Delivery',
    'Docs',
    'Golden paths',
    'Outcomes',
    'Settings',
  ]) {
    await expect(
      sidebar.getByRole('link', { name, exact: true }),
      `${name} in sight`,
    ).toBeInViewport({ ratio: 1 });
  }
  await expect(
    sidebar.getByRole('link', { name: /^Notifications/ }),
  ).toBeInViewport({ ratio: 1 });

  // Only entities with docs have a TechDocs tab: no "Missing Annotation"
  // dead end on a team's page.
  const tabs = page
    .getByRole('list')
    .filter({ has: page.getByRole('link', { name: 'Overview', exact: true }) })
    .getByRole('link');
  await expect(tabs.nth(1)).toHaveText('Outcomes');
  await expect(tabs.filter({ hasText: 'TechDocs' })).toHaveCount(0);
  await page.goto('/catalog/default/component/inventory-service');
  await expect(tabs.filter({ hasText: 'TechDocs' })).toHaveCount(1);
});

test('a developer’s pages ask nothing of admin-only routes: no 403 on every load', async ({
  page,
}) => {
  const refused: string[] = [];
  const adminOnly: string[] = [];
  page.on('response', response => {
    const url = response.url();
    if (url.includes('/unattributed')) adminOnly.push(url);
    if (url.includes('/api/') && response.status() === 403) refused.push(url);
  });
  await page.goto('/delivery');
  await expect(
    page.getByRole('heading', { name: 'Delivery', exact: true }),
  ).toBeVisible();
  await page.goto('/catalog/default/group/checkout/cost');
  await expect(page.getByRole('heading', { name: 'Cost per day' })).toBeVisible(
    { timeout: 60_000 },
  );
  await page.waitForLoadState('networkidle');
  expect(adminOnly).toEqual([]);
  expect(refused).toEqual([]);
});
