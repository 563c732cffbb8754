// Page speed of the running portal, as a visitor gets it. Each Paved page
// is opened in a fresh browser context (the guest signed in, an empty HTTP
// cache): that first visit is the warm-up and gives the JavaScript a
// newcomer downloads; then the page is opened again (a full load, the
// bundle now cached) and timed from navigation until its main data is
// visible. Prints a table; a benchmark, not a timed test.
//
// usage: node e2e-tests/speed/pages.mjs [--url http://localhost:7007] [--runs 3] [--page NAME]
// (./paved pages starts the local default, runs this and stops it.)
import { chromium } from 'playwright';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:7007' },
    runs: { type: 'string', default: '3' },
    // Only the pages whose name contains this (e.g. --page "Component").
    page: { type: 'string' },
  },
});
const baseUrl = args.url.replace(/\/$/, '');
const runs = Number(args.runs);
const TARGET_MS = 1500;
const HOME_JS_TARGET_BYTES = 5 * 1024 * 1024;

/** Each page, and what on it shows that its main data has arrived. */
const pages = [
  [
    'Home',
    '/',
    p =>
      p
        .getByRole('region', { name: 'Your teams' })
        .getByRole('link', { name: 'Checkout' }),
  ],
  [
    'Catalog',
    '/catalog',
    p => p.getByRole('link', { name: 'Checkout Service', exact: true }),
  ],
  [
    'Component overview',
    '/catalog/default/component/checkout-service',
    p => p.getByText(/workloads? in \d+ clusters?/).first(),
  ],
  [
    'Component Outcomes',
    '/catalog/default/component/checkout-service/outcomes',
    p => p.getByRole('heading', { name: 'Guardrails' }),
  ],
  [
    'Component Delivery',
    '/catalog/default/component/checkout-service/delivery',
    p => p.getByText(/ \/ (day|week|month)$/).first(),
  ],
  [
    'Component Cost',
    '/catalog/default/component/checkout-service/cost',
    p => p.getByText('Month-end forecast'),
  ],
  [
    'Component Workloads',
    '/catalog/default/component/search-service/workloads',
    p =>
      p
        .getByRole('grid', { name: /Rollout history of search-service/ })
        .first(),
  ],
  [
    'Team overview',
    '/catalog/default/group/checkout',
    p => p.getByRole('link', { name: 'Voucher Service', exact: true }),
  ],
  [
    'Team Outcomes',
    '/catalog/default/group/checkout/outcomes',
    p => p.getByRole('heading', { name: 'Guardrails' }),
  ],
  [
    'Team Workloads',
    '/catalog/default/group/data-platform/workloads',
    p => p.getByText(/\d+ services · \d+ failing/),
  ],
  [
    'Team Cost',
    '/catalog/default/group/checkout/cost',
    p =>
      p
        .getByRole('grid', { name: 'Components by cost' })
        .getByRole('link', { name: 'Orders Service' }),
  ],
  [
    'Team Delivery',
    '/catalog/default/group/checkout/delivery',
    p => p.getByText(/ \/ (day|week|month)$/).first(),
  ],
  ['Delivery', '/delivery', p => p.getByText(/ \/ (day|week|month)$/).first()],
  [
    'Outcomes (organisation)',
    '/outcomes',
    p => p.getByRole('table', { name: 'Every team' }).getByRole('row').nth(3),
  ],
  ['Golden paths', '/golden-paths', p => p.getByText('Behind v1.3.0').first()],
  [
    'Catalog health',
    '/catalog-health',
    p => p.getByText(/processed cleanly|failed processing$/).first(),
  ],
  [
    'Create',
    '/create',
    p => p.getByRole('heading', { name: 'TypeScript service (Node.js 24)' }),
  ],
  [
    'Docs',
    '/docs',
    p => p.getByRole('link', { name: 'Checkout Service', exact: true }).first(),
  ],
  [
    'TechDocs page',
    '/docs/default/component/checkout-service',
    p =>
      p.getByText("turns a customer's basket into a confirmed grocery order"),
  ],
  [
    'Search',
    '/search?query=checkout',
    p => p.getByRole('link', { name: /Checkout Service/ }).first(),
  ],
  [
    'APIs',
    '/api-docs',
    p => p.getByRole('link', { name: 'checkout-api', exact: true }),
  ],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
  ],
});

// Sign in once as the guest; every measured context starts from that state.
const signIn = await browser.newContext({
  viewport: { width: 1366, height: 768 },
});
const first = await signIn.newPage();
await first.goto(`${baseUrl}/`);
await first.getByRole('button', { name: 'Enter' }).click();
await first
  .getByPlaceholder('Search services, APIs, teams and docs')
  .waitFor({ timeout: 60_000 });
const storageState = await signIn.storageState();

/**
 * A visitor's first load of a page (fresh context, empty HTTP cache),
 * then `runs` more visits in the same context (the bundle cached, as for
 * anyone who has opened the portal before): the JavaScript transferred on
 * the first load, and ms until the marker is visible on each later visit.
 */
async function visits(path, marker) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    storageState,
  });
  const page = await context.newPage();
  let scripts = [];
  page.on('requestfinished', request => {
    if (request.resourceType() === 'script') {
      scripts.push(
        request.sizes().then(
          s => s.responseBodySize + s.responseHeadersSize,
          () => 0,
        ),
      );
    }
  });
  const visit = async () => {
    const started = performance.now();
    await page.goto(`${baseUrl}${path}`, { waitUntil: 'commit' });
    try {
      await marker(page).waitFor({ state: 'visible', timeout: 30_000 });
      return performance.now() - started;
    } catch {
      return NaN;
    }
  };
  const firstMs = await visit();
  const firstJs = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
  scripts = [];
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await visit());
  await context.close();
  return { firstMs, firstJs, times };
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const rows = [];
for (const [name, path, marker] of pages.filter(
  ([n]) => !args.page || n.includes(args.page),
)) {
  const { firstMs, firstJs, times } = await visits(path, marker);
  const ms = times.some(Number.isNaN) ? NaN : median(times);
  rows.push({ name, path, ms, firstMs, js: firstJs });
  process.stderr.write(
    `${name}: ${
      Number.isNaN(ms) ? 'no data in 30 s' : `${Math.round(ms)} ms`
    }\n`,
  );
}
await browser.close();

const mb = b => `${(b / 1024 / 1024).toFixed(2)} MB`;
const seconds = ms =>
  Number.isNaN(ms) ? 'not in 30 s' : `${(ms / 1000).toFixed(2)} s`;
const lines = [
  `| Page | Path | Main data visible (median of ${runs} visits) | First visit (empty cache) | JavaScript on first visit | Within 1.5 s |`,
  '| --- | --- | ---: | ---: | ---: | :---: |',
  ...rows.map(
    r =>
      `| ${r.name} | \`${r.path}\` | ${seconds(r.ms)} | ${seconds(
        r.firstMs,
      )} | ${mb(r.js)} | ${r.ms <= TARGET_MS ? 'yes' : '**no**'} |`,
  ),
];
console.log(lines.join('\n'));
const home = rows.find(r => r.name === 'Home');
const slowest = rows.reduce((a, b) =>
  b.ms > a.ms || Number.isNaN(b.ms) ? b : a,
);
if (home) {
  console.log(
    `\nHome page, first load: ${mb(home.js)} of JavaScript (target ≤ 5 MB: ${
      home.js <= HOME_JS_TARGET_BYTES ? 'met' : 'NOT met'
    }).`,
  );
}
console.log(
  `Slowest page: ${slowest.name}, ${(slowest.ms / 1000).toFixed(
    2,
  )} s (target ≤ 1.5 s on every page: ${
    rows.every(r => r.ms <= TARGET_MS) ? 'met' : 'NOT met'
  }).`,
);
