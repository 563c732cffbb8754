import { expect, test, type Locator, type Page } from '@playwright/test';
import { controlsWithoutVisibleFocus, expectAccessible } from './helpers';

/*
 * axe-core (WCAG 2.1 A and AA) on Paved's pages, in the light and the dark
 * theme: a serious or critical violation fails the run. (The Outcomes
 * pages are checked in outcomes.spec.ts, TechDocs and Search in
 * portal.spec.ts, once the docs are built and the catalog indexed.) Each
 * page is checked once its main data is visible.
 */

const pages: Array<[string, string, (page: Page) => Locator]> = [
  [
    'a component’s overview',
    '/catalog/default/component/checkout-service',
    p => p.getByText(/workloads? in \d+ clusters?/).first(),
  ],
  [
    'a team’s overview',
    '/catalog/default/group/checkout',
    p => p.getByRole('link', { name: 'Voucher Service', exact: true }),
  ],
  [
    'the Delivery page',
    '/delivery',
    p => p.getByText(/ \/ (day|week|month)$/).first(),
  ],
  [
    'a component’s Cost tab',
    '/catalog/default/component/checkout-service/cost',
    p => p.getByText('Month-end forecast'),
  ],
  [
    'a team’s Workloads tab',
    '/catalog/default/group/data-platform/workloads',
    p => p.getByText(/\d+ services · \d+ failing/),
  ],
  [
    'a component’s Workloads tab',
    '/catalog/default/component/search-service/workloads',
    p =>
      p
        .getByRole('grid', { name: /Rollout history of search-service/ })
        .first(),
  ],
  [
    'the Golden paths page',
    '/golden-paths',
    p => p.getByText('Behind v1.3.0').first(),
  ],
  // Backstage's own pages, with Paved's repairs of their stock components
  // (packages/app/src/modules/accessibility).
  [
    'the home page',
    '/',
    p => p.getByText('TypeScript service (Node.js 24)').first(),
  ],
  [
    'the Catalog',
    '/catalog',
    p => p.getByRole('table').getByRole('link').first(),
  ],
  ['Docs', '/docs', p => p.getByRole('table').getByRole('link').first()],
  ['APIs', '/api-docs', p => p.getByRole('table').getByRole('link').first()],
  [
    'Create',
    '/create',
    p => p.getByRole('heading', { name: 'TypeScript service (Node.js 24)' }),
  ],
  ['Create’s task list', '/create/tasks', p => p.getByRole('table').first()],
  [
    'an API’s definition',
    '/catalog/default/api/checkout-api/definition',
    p => p.getByRole('button', { name: /POST.*\/checkouts/ }).first(),
  ],
  [
    'a component’s API tab',
    '/catalog/default/component/checkout-service/apis',
    p => p.getByRole('link', { name: /checkout[- ]api/i }).first(),
  ],
  [
    'a component’s Kubernetes tab',
    '/catalog/default/component/order-events-ingestor/kubernetes',
    p => p.getByRole('heading', { name: 'Error Reporting' }),
  ],
  [
    'a system',
    '/catalog/default/system/checkout-and-payments',
    p => p.getByRole('link', { name: 'Checkout Service' }).first(),
  ],
  [
    'a user',
    '/catalog/default/user/aisha.rahman',
    p => p.getByText('Aisha Rahman').first(),
  ],
  ['Settings', '/settings', p => p.getByRole('tab', { name: 'General' })],
  ['Notifications', '/notifications', p => p.getByRole('table').first()],
  [
    'Catalog health',
    '/catalog-health',
    p => p.getByText(/processed cleanly|failed processing$/).first(),
  ],
];

for (const [name, path, ready] of pages) {
  test(`${name} passes axe-core in the light and the dark theme`, async ({
    page,
  }) => {
    await page.goto(path);
    await expectAccessible(page, ready(page));
  });
}

/*
 * Visible focus (WCAG 2.4.7): a keyboard user sees where they are on every
 * control of the pages a developer uses most, in both themes.
 */
const focusPages: Array<[string, string, (page: Page) => Locator]> = [
  [
    'the home page',
    '/',
    p => p.getByText('TypeScript service (Node.js 24)').first(),
  ],
  [
    'a component’s overview',
    '/catalog/default/component/checkout-service',
    p => p.getByText(/workloads? in \d+ clusters?/).first(),
  ],
  [
    'the Delivery page',
    '/delivery',
    p => p.getByText(/ \/ (day|week|month)$/).first(),
  ],
];

for (const [name, path, ready] of focusPages) {
  test(`every control of ${name} shows where the keyboard focus is, in both themes`, async ({
    page,
  }) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.goto(path);
      await expect(ready(page)).toBeVisible({ timeout: 60_000 });
      expect(
        await controlsWithoutVisibleFocus(page, 30),
        `${colorScheme}: controls without a visible focus`,
      ).toEqual([]);
    }
  });
}
