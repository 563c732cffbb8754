import { readFile } from 'node:fs/promises';
import { test, expect } from '@playwright/test';
import { expectAccessible, screenshot } from './helpers';

/*
 * Outcomes in the local default: speed, stability and cost of a team on one
 * tab, from the same DORA and cost APIs as the Delivery and Cost tabs. The
 * demo fulfilment team ships faster and faster while failing more (its
 * inventory service), so the speed-without-stability signal fires, and its
 * link opens the deployments behind it.
 */

const money = (amount: number, currency: string) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(amount);

test('a team opens with its outcomes, and its Outcomes tab shows speed, stability and cost together, and why to look closer', async ({
  page,
}) => {
  // What a team lead sees on opening their team: the Outcomes card first,
  // with the signal, and the Outcomes tab right after the overview.
  await page.goto('/catalog/default/group/fulfilment');
  const card = page.getByRole('article', { name: 'Outcomes' });
  await expect(
    card
      .getByRole('list', { name: 'Signals' })
      .getByText('Speed is hiding instability.'),
  ).toBeVisible({ timeout: 60_000 });
  const tabs = page
    .getByRole('list')
    .filter({ has: page.getByRole('link', { name: 'Overview', exact: true }) })
    .getByRole('link');
  await expect(tabs.nth(0)).toHaveText('Overview');
  await expect(tabs.nth(1)).toHaveText('Outcomes');
  await screenshot(page, 'outcomes-team-overview');
  await expectAccessible(page, card.getByRole('list', { name: 'Signals' }));

  await tabs.nth(1).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/group\/fulfilment\/outcomes$/,
  );
  // The demo's Kubernetes cost is pulled and allocated in the first minute
  // after start: compare numbers once two reads agree.
  let outcomes!: {
    currency: string | null;
    window: { from: string; to: string };
    cost: { total: { value: number } };
  };
  let lastTotal: number | null | undefined;
  await expect
    .poll(
      async () => {
        const read = page.waitForResponse(
          r =>
            r.url().includes('/api/outcomes/scope?') &&
            decodeURIComponent(r.url()).includes('group:default/fulfilment') &&
            r.status() === 200,
          { timeout: 60_000 },
        );
        await page.reload();
        // A read answered just as the reload began has no body left; the
        // next round reads again.
        const body = await (await read).json().catch(() => undefined);
        if (!body) return false;
        outcomes = body;
        const settled = outcomes.cost.total.value === lastTotal;
        lastTotal = outcomes.cost.total.value;
        return settled;
      },
      { timeout: 180_000, intervals: [5_000] },
    )
    .toBe(true);

  const tile = (name: string) => page.getByRole('article', { name });
  if (outcomes.currency) {
    await expect(
      tile('Cost').getByText(
        money(outcomes.cost.total.value, outcomes.currency),
      ),
    ).toBeVisible();
  }
  for (const name of [
    'Change lead time',
    'Deployment frequency',
    'Recovery time',
    'Change fail rate',
    'Rework rate',
  ]) {
    await expect(tile(name)).toBeVisible();
  }
  await expect(page.getByRole('heading', { name: 'Guardrails' })).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Speed, stability and cost per week' }),
  ).toBeAttached();

  const signal = page.getByRole('listitem').filter({
    has: page.getByRole('heading', { name: /Speed is hiding instability/ }),
  });
  await expect(signal).toBeVisible();
  await expect(signal.getByText('rule: speed-without-stability')).toBeVisible();
  await screenshot(page, 'outcomes-team');
  await expectAccessible(page, signal);

  // The Cost tab, on the same days, answers the same total to the cent.
  const costRead = page.waitForResponse(
    r =>
      r.url().includes('/api/cost/entity?') &&
      decodeURIComponent(r.url()).includes('group:default/fulfilment') &&
      r.status() === 200,
    { timeout: 60_000 },
  );
  await page.getByRole('link', { name: 'Cost', exact: true }).first().click();
  const cost = await (await costRead).json();
  expect(cost.from).toBe(outcomes.window.from);
  expect(cost.to).toBe(outcomes.window.to);
  expect(outcomes.cost.total.value).toBe(cost.total);
  await page.goBack();

  await signal
    .getByRole('link', { name: 'See the deployments behind it' })
    .click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/group\/fulfilment\/delivery\?/,
  );
  await expect(page.getByRole('dialog')).toBeVisible({ timeout: 60_000 });
  await screenshot(page, 'outcomes-drill-down');
});

test('leadership sees every team on one page, sortable, with the team whose speed hides failures; a component opens with its outcomes', async ({
  page,
}) => {
  const read = page.waitForResponse(
    r => r.url().includes('/api/outcomes/teams?') && r.status() === 200,
    { timeout: 60_000 },
  );
  await page.goto('/outcomes');
  const answer = await (await read).json();
  const table = page.getByRole('table', { name: 'Every team' });
  await expect(table).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(answer.teams.length + 1);
  const fulfilment = table.getByRole('row', { name: /Fulfilment/ });
  await expect(
    fulfilment.getByText('Speed is hiding instability'),
  ).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Teams by speed, stability and cost' }),
  ).toBeAttached();

  // The same table as CSV, for a spreadsheet.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(
    /^outcomes-teams-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/,
  );
  const [header, ...lines] = (await readFile(await download.path(), 'utf8'))
    .trim()
    .split('\n');
  expect(header).toMatch(/^team,title,window_from,window_to,/);
  expect(lines).toHaveLength(answer.teams.length);
  expect(
    lines.find(line => line.startsWith('group:default/fulfilment,')),
  ).toMatch(/speed-without-stability/);

  await table.getByRole('button', { name: 'Change fail rate' }).click();
  await expect(
    table.getByRole('columnheader', { name: /Change fail rate/ }),
  ).toHaveAttribute('aria-sort', 'ascending');
  await screenshot(page, 'outcomes-organisation');
  await expectAccessible(page, table);

  await fulfilment.getByRole('link', { name: 'Fulfilment' }).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/group\/fulfilment\/outcomes/,
  );

  // A component's overview opens with its outcomes too.
  await page.goto('/catalog/default/component/inventory-service');
  const card = page.getByRole('article', { name: 'Outcomes' });
  await expect(card).toBeVisible({ timeout: 60_000 });
  await expect(card.getByText('Change lead time')).toBeVisible();
  await expect(
    card.getByRole('link', { name: 'Trends, signals and what delivery costs' }),
  ).toHaveAttribute(
    'href',
    '/catalog/default/component/inventory-service/outcomes',
  );
});
