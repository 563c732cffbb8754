import { defineConfig } from '@playwright/test';
import { guestStorageState } from './e2e-tests/portal/helpers';

/**
 * End-to-end tests of the running portal in the machine's Chromium
 * (Debian's /usr/bin/chromium; Playwright's own browser downloads are not
 * used). The portal is started by the test run itself, with the local
 * default config plus a malformed catalog file. The backend serves the
 * production build of the app (packages/app/dist, which `./paved test`'s
 * backend build step makes; built here first if missing — after changing a
 * frontend, rebuild it with `yarn workspace app build`), as production does:
 * pages load in well under a second instead of the development bundle's
 * seconds.
 */
const configArgs =
  // backstage-cli resolves these relative to each package's folder.
  '--config ../../app-config.yaml --config ../../e2e-tests/portal/app-config.e2e.yaml';

export default defineConfig({
  testDir: 'e2e-tests/portal',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  webServer: [
    {
      // The demo Kubernetes clusters (a local stand-in API server).
      command:
        'node --require @backstage/cli/config/nodeTransform.cjs packages/kube-apiserver-local/src/cli.ts --port 6443',
      url: 'https://127.0.0.1:6444/version',
      ignoreHTTPSErrors: true,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The demo OpenCost (a local stand-in of its /allocation API).
      command:
        'node --require @backstage/cli/config/nodeTransform.cjs packages/opencost-local/src/cli.ts --port 9003',
      url: 'http://127.0.0.1:9003/healthz',
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // A real Prometheus with backfilled demo request counts.
      command: 'node scripts/demo-prometheus.mjs --port 9090',
      url: 'http://127.0.0.1:9090/-/ready',
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `(test -f packages/app/dist/index.html || yarn workspace app build) && yarn start backend ${configArgs}`,
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: !process.env.CI,
      timeout: 600_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
  projects: [
    // The guest signs in once; every test starts signed in from there.
    { name: 'sign-in', testMatch: /sign-in\.setup\.ts$/ },
    {
      name: 'portal',
      dependencies: ['sign-in'],
      use: { storageState: guestStorageState },
    },
  ],
  use: {
    baseURL: 'http://localhost:7007',
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
