import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

/** Screenshots of each page the suite visits, for people to look at. */
export const screenshotDir = path.resolve(__dirname, '../../screenshots');

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: true,
  });
}

/** Signs in with the local guest provider (a developer on the checkout team). */
export async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.click();
  await expect(enter).toBeHidden();
  // The sign-in page is titled "Paved" too; wait for the home page itself.
  await expect(
    page.getByPlaceholder('Search services, APIs, teams and docs'),
  ).toBeVisible();
}

/**
 * Checks the page against WCAG 2.1 A and AA (and 2.2's target size) with
 * axe-core, in the light and the dark theme: no serious or critical
 * violation. The page is loaded
 * anew in each theme and checked once `ready` is visible and nothing is
 * loading. The failure lists each rule with the elements that break it.
 */
export async function expectAccessible(page: Page, ready: Locator) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.reload();
    await expect(ready).toBeVisible({ timeout: 60_000 });
    await expect(
      page.locator('[aria-busy="true"], [role="progressbar"]'),
    ).toHaveCount(0, { timeout: 30_000 });
    const { violations } = await new AxeBuilder({ page })
      // WCAG 2.2's target size too: every control at least 24 × 24 px or
      // spaced as far apart.
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    const serious = violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(
        v =>
          `${colorScheme}: ${v.id} (${v.help}) at ${v.nodes
            .slice(0, 5)
            .map(n => `${n.target.join(' ')} ${n.html.slice(0, 160)}`)
            .join(', ')}`,
      );
    expect(serious, `accessibility on ${page.url()}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
}

/** Picks an entity in a scaffolder form's entity picker by typing part of it. */
export async function pickEntity(
  page: Page,
  label: string,
  typed: string,
  option: RegExp,
) {
  const field = page.getByRole('textbox', { name: label });
  await field.click();
  await field.fill(typed);
  await page.getByRole('option', { name: option }).first().click();
}
