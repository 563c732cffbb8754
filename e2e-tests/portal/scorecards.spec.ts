import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot, signIn } from './helpers';

/*
 * Scorecards as a developer and a team lead meet them: a service's level
 * and the check it fails, with the fix; a team's components by level.
 * The local default evaluates every component seconds after start.
 */
test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('a developer sees their service’s level and the failing check with its fix', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/voucher-service/scorecard');
  const failing = page.getByRole('listitem', {
    name: 'On a golden path, at its current version: fail',
  });
  // Until the first evaluation the tab says so; it is seconds away.
  await expect(async () => {
    await page.reload();
    await expect(failing).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByText('Silver', { exact: true })).toBeVisible();
  await expect(
    page.getByText(/^Gold is next: 1 check of it to fix/),
  ).toBeVisible();
  await expect(
    failing.getByText(
      /^On template:default\/typescript-service 1\.0\.0, \d+ minor versions behind/,
    ),
  ).toBeVisible();
  await expect(failing.getByText('How to fix:')).toBeVisible();
  await expect(failing.getByText(/upgrade template/)).toBeVisible();
  await expect(
    page.getByRole('listitem', { name: 'Has an owner that exists: pass' }),
  ).toBeVisible();
  await screenshot(page, 'scorecard-component');
  await expectAccessible(page, failing);
});

test('a team lead sees which of the team’s services stand at which level, and opens one', async ({
  page,
}) => {
  await page.goto('/catalog/default/group/checkout/scorecards');
  const members = page.getByRole('table', {
    name: 'Components, lowest level first',
  });
  await expect(async () => {
    await page.reload();
    await expect(members).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  const levels = page.getByRole('table', {
    name: /^Levels of its \d+ components$/,
  });
  await expect(levels.getByRole('row', { name: /^Gold \d+/ })).toBeVisible();
  const voucher = members.getByRole('row', { name: /Voucher Service/ });
  await expect(voucher).toContainText(
    'On a golden path, at its current version',
  );
  await screenshot(page, 'scorecards-team');
  await expectAccessible(page, members);
  await voucher.getByRole('link', { name: 'Voucher Service' }).click();
  await expect(page).toHaveURL(/\/component\/voucher-service\/scorecard$/);
  await expect(
    page.getByRole('listitem', {
      name: 'On a golden path, at its current version: fail',
    }),
  ).toBeVisible();
});
