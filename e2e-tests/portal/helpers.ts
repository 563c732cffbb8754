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

/**
 * The browser state of a guest signed in once for the whole run (the
 * `sign-in` project writes it, every test's context starts from it): the
 * sign-in page resumes the session silently, so a test opens its page
 * straight away instead of signing in first.
 */
export const guestStorageState = path.resolve(
  __dirname,
  '../../test-results/e2e-sign-in/guest.json',
);

/** A browser context's state with nobody signed in. */
export const signedOut = { cookies: [], origins: [] };

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
 * Signs in with the local demo's second identity: Priya Raman, an admin
 * of the demo organisation (the platform team). The page's context must
 * start signed out (`browser.newContext({ storageState: signedOut })`).
 */
export async function signInAsAdmin(
  page: Page,
  options = { checkPage: false },
) {
  await page.goto('/');
  if (options.checkPage) {
    await expectAccessible(
      page,
      page.getByText('Platform admin', { exact: true }),
    );
  }
  const card = page.locator('article, div').filter({
    has: page.getByText('Platform admin', { exact: true }),
  });
  const signInButton = card.getByRole('button', { name: 'Sign In' }).last();
  await signInButton.click();
  await expect(
    page.getByPlaceholder('Search services, APIs, teams and docs'),
  ).toBeVisible();
}

/**
 * Waits until nothing on the page has changed for `quietMs` (at most
 * `timeoutMs`): a page re-rendering in another theme is checked once it
 * has settled, not mid-way.
 */
async function waitForQuietPage(page: Page, quietMs = 300, timeoutMs = 10_000) {
  await page.evaluate(
    ({ quiet, timeout }) =>
      new Promise<void>(resolve => {
        const done = () => {
          observer.disconnect();
          clearTimeout(settled);
          clearTimeout(deadline);
          resolve();
        };
        let settled = setTimeout(done, quiet);
        const deadline = setTimeout(done, timeout);
        const observer = new MutationObserver(() => {
          clearTimeout(settled);
          settled = setTimeout(done, quiet);
        });
        observer.observe(document.documentElement, {
          subtree: true,
          childList: true,
          attributes: true,
          characterData: true,
        });
      }),
    { quiet: quietMs, timeout: timeoutMs },
  );
}

/** The relative luminance (WCAG) of the page's background, 0 to 1. */
function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const [r, g, b] = (
      getComputedStyle(document.body).backgroundColor.match(/\d+/g) ?? []
    ).map(Number);
    const linear = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  });
}

/**
 * Checks the page against WCAG 2.1 A and AA (and 2.2's target size) with
 * axe-core, in the light and the dark theme: no serious or critical
 * violation. The page is checked as it is in the light theme (every test
 * opens its pages in it), then switched to the dark theme as a visitor's
 * system setting switches it (the portal follows it without a reload) and
 * checked again once it has settled; each time once `ready` is visible
 * and nothing is loading. The failure lists each rule with the elements
 * that break it.
 */
export async function expectAccessible(page: Page, ready: Locator) {
  for (const colorScheme of ['light', 'dark'] as const) {
    if (colorScheme === 'dark') {
      await page.emulateMedia({ colorScheme });
      await waitForQuietPage(page);
    }
    // The theme checked is the one asked for: a light page, or a dark one.
    const background = expect.poll(() => backgroundLuminance(page), {
      message: `the page's background in the ${colorScheme} theme`,
    });
    if (colorScheme === 'dark') await background.toBeLessThan(0.2);
    else await background.toBeGreaterThan(0.5);
    await expect(ready).toBeVisible({ timeout: 60_000 });
    await expect(
      page.locator('[aria-busy="true"], [role="progressbar"]'),
    ).toHaveCount(0, { timeout: 30_000 });
    // Colours are checked as they settle: a control still fading between
    // the themes' colours (MUI's transitions) would be measured mid-way.
    await page.addStyleTag({
      content:
        '*, *::before, *::after { transition: none !important; animation: none !important; }',
    });
    const { violations } = await new AxeBuilder({ page })
      // WCAG 2.2's target size too: every control at least 24 × 24 px or
      // spaced as far apart.
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      // react-aria's live region keeps what it announced (a table's new
      // sort order) for a few seconds, as empty images named by the id of
      // the element that said it; re-rendered in the other theme, those
      // ids are new, and the old entries, spoken already, name nothing.
      .exclude('[data-live-announcer]')
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

/**
 * Presses Tab through the page's first `stops` controls and checks that
 * each one looks different focused than not (a focus ring, an outline or
 * a change of colour): the region around it, screenshotted focused and
 * then blurred, must differ. An empty control laid over a card (Backstage
 * UI's card trigger) shows its ring on the card, so the card is compared.
 * Answers the controls without a visible focus.
 */
export async function controlsWithoutVisibleFocus(
  page: Page,
  stops: number,
): Promise<string[]> {
  const invisible: string[] = [];
  const viewport = page.viewportSize()!;
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluateHandle(() => document.activeElement);
    const target = await focused.evaluate(element => {
      if (!element || element === document.body) return null;
      element.scrollIntoView({ block: 'nearest' });
      const shown =
        element.childElementCount === 0 &&
        !element.textContent?.trim() &&
        element.parentElement
          ? element.parentElement
          : element;
      const box = shown.getBoundingClientRect();
      return {
        name: `${element.tagName.toLowerCase()} "${(
          element.getAttribute('aria-label') ??
          element.textContent ??
          ''
        )
          .trim()
          .slice(0, 60)}"`,
        box: { x: box.x, y: box.y, width: box.width, height: box.height },
      };
    });
    if (!target || target.box.width === 0 || target.box.height === 0) {
      continue;
    }
    const x = Math.max(0, target.box.x - 4);
    const y = Math.max(0, target.box.y - 4);
    const clip = {
      x,
      y,
      width: Math.min(viewport.width - x, target.box.width + 8),
      height: Math.min(viewport.height - y, target.box.height + 8),
    };
    if (clip.width <= 0 || clip.height <= 0) continue;
    await nextFrames(page);
    const withFocus = await page.screenshot({ clip, animations: 'disabled' });
    await focused.evaluate(element => (element as HTMLElement).blur());
    await nextFrames(page);
    const withoutFocus = await page.screenshot({
      clip,
      animations: 'disabled',
    });
    if (withFocus.equals(withoutFocus)) invisible.push(target.name);
    // Back to where Tab continues from.
    await focused.evaluate(element => (element as HTMLElement).focus());
  }
  return invisible;
}

/**
 * Waits until the page has drawn two more frames: what a focus change set
 * off (React's re-render, MUI's focus ripple) is on screen; the screenshot
 * then completes any transition.
 */
async function nextFrames(page: Page) {
  await page.evaluate(
    () =>
      new Promise<void>(resolve =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
      ),
  );
}
