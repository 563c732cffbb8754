import { test, expect } from '@playwright/test';
import { pickEntity, screenshot } from './helpers';

test('the Golden paths page lists each template, what was made from it and what is behind', async ({
  page,
}) => {
  await page.goto('/golden-paths');
  const path = page.getByRole('region', {
    name: 'TypeScript service (Node.js 24)',
  });
  await expect(
    page.getByRole('heading', { name: 'TypeScript service (Node.js 24)' }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(
    page.getByRole('heading', { name: /Python service/ }),
  ).toBeVisible();
  // Demo components record the template version they were created from.
  await expect(path.getByText(/behind the current version/)).toBeVisible();
  await expect(path.getByText('Behind v1.3.0').first()).toBeVisible();
  await screenshot(page, 'golden-paths');
});

test('a developer creates a TypeScript service from the portal and opens its docs', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const name = `e2e-${Date.now().toString(36)}`;

  await page.goto('/create');
  await expect(
    page.getByText('TypeScript service (Node.js 24)').first(),
  ).toBeVisible({ timeout: 30_000 });
  // A developer sees the templates and their tasks; the template editor and
  // the actions reference are for the portal admins who manage templates.
  await expect(page.getByRole('tab', { name: 'Tasks' })).toBeVisible();
  for (const adminTab of [
    'Actions',
    'Template Editor',
    'Templating Extensions',
  ]) {
    await expect(page.getByRole('tab', { name: adminTab })).toHaveCount(0);
  }
  await screenshot(page, 'create');
  await page.goto('/create/templates/default/typescript-service');
  await expect(
    page.getByRole('heading', { name: 'TypeScript service (Node.js 24)' }),
  ).toBeVisible({ timeout: 30_000 });
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page
    .getByRole('textbox', { name: 'Description' })
    .fill('Keeps shopping baskets for the end-to-end test.');
  await pickEntity(page, 'Owner', 'checkout', /checkout/i);
  await pickEntity(page, 'System', 'checkout', /checkout/i);
  await screenshot(page, 'create-form');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task runs render → validate → publish (local git) → register.
  const openInCatalog = page.getByRole('link', { name: 'Open in catalog' });
  await expect(openInCatalog).toBeVisible({ timeout: 120_000 });
  await screenshot(page, 'create-task-done');
  await openInCatalog.click();

  await expect(page.getByRole('heading', { name })).toBeVisible({
    timeout: 30_000,
  });
  // The header shows the name from the address at once; the entity itself
  // is there once the catalog has processed the new location (seconds).
  await expect(async () => {
    await page.reload();
    await expect(
      page.getByText('Keeps shopping baskets for the end-to-end test.').first(),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await screenshot(page, 'create-new-component');

  // Its docs are built with mkdocs from the new repository on first view.
  await page.goto(`/docs/default/component/${name}`);
  await expect(
    page.getByText('Keeps shopping baskets for the end-to-end test.').first(),
  ).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText('TypeScript on Node.js 24')).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Runbook' }).first(),
  ).toBeVisible();
  await screenshot(page, 'create-new-component-docs');
});
