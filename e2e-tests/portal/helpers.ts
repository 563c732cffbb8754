import { expect, type Page } from '@playwright/test';
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
