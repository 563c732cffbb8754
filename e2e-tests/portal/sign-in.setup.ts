import { test as setup } from '@playwright/test';
import { guestStorageState, signIn } from './helpers';

/*
 * The guest signs in once, through the sign-in page as a person does, and
 * every test starts from the browser state this leaves (playwright.config's
 * `portal` project). The tests that need a second identity sign in with it
 * in a signed-out context of their own.
 */
setup('the guest signs in through the sign-in page', async ({ page }) => {
  await signIn(page);
  await page.context().storageState({ path: guestStorageState });
});
