import { expect, request, test } from '@playwright/test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { signedOut } from './helpers';

/*
 * An AI assistant connected to the local default through Paved's MCP
 * endpoint with the official TypeScript SDK's client, as the signed-in
 * guest (Rajesh Iyer of the checkout team): it finds a service, reads its
 * docs, checks a change against the golden paths and is refused what the
 * HTTP API refuses its user.
 */

const BASE_URL = 'http://localhost:7007';

// An assistant holds a token, not the browser's session.
test.use({ storageState: signedOut });

/** The guest's portal token, as the sign-in page gets it. */
async function guestToken(): Promise<string> {
  const api = await request.newContext({ baseURL: BASE_URL });
  const answer = await api.post('/api/auth/guest/refresh', {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  expect(answer.ok()).toBe(true);
  const token: string = (await answer.json()).backstageIdentity.token;
  await api.dispose();
  return token;
}

type ToolAnswer = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: any;
};

let token: string;
let client: Client;
const call = async (name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as ToolAnswer;

test.beforeAll(async () => {
  token = await guestToken();
  client = new Client({ name: 'paved-e2e-assistant', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`${BASE_URL}/api/mcp-actions/v1`),
      {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      },
    ),
  );
});

test.afterAll(async () => {
  await client?.close();
});

test('an assistant lists Paved’s tools, finds a service and reads its docs', async () => {
  const { tools } = await client.listTools();
  const names = tools.map(t => t.name);
  for (const name of [
    'assistant.search',
    'assistant.get-doc-page',
    'assistant.validate-change',
    'catalog.get-catalog-entity',
    'dora.get-dora-metrics',
    'dora.get-ai-split',
    'cost.get-entity-cost',
    'scorecards.get-scorecard',
  ]) {
    expect(names).toContain(name);
  }

  // The catalog part of the portal's search, as the search page finds it.
  await expect(async () => {
    const found = await call('assistant.search', {
      term: 'checkout',
      types: ['software-catalog'],
    });
    expect(found.isError).toBeFalsy();
    expect(
      found.structuredContent.results.map(
        (r: { entityRef?: string }) => r.entityRef,
      ),
    ).toContain('component:default/checkout-service');
  }).toPass({ timeout: 90_000 });

  // Its docs, built on first read like the Docs tab builds them.
  const home = await call('assistant.get-doc-page', {
    entityRef: 'component:default/checkout-service',
  });
  expect(home.isError).toBeFalsy();
  // The home page, titled as the site's navigation names it.
  expect(home.structuredContent.title).toBe('Overview');
  expect(
    home.structuredContent.sections.map((s: { title: string }) => s.title),
  ).toContain('Checkout Service');
  expect(home.structuredContent.url).toMatch(
    /\/docs\/default\/component\/checkout-service\/$/,
  );
  const runbook = home.structuredContent.pages.find(
    (p: { title: string }) => p.title === 'Runbook',
  );
  expect(runbook).toBeDefined();
  const page = await call('assistant.get-doc-page', {
    entityRef: 'component:default/checkout-service',
    path: runbook.path,
  });
  expect(page.structuredContent.sections.length).toBeGreaterThan(0);
  expect(page.structuredContent.sections[0].text.length).toBeGreaterThan(20);

  // Once indexed, the docs are found by what they say.
  await expect(async () => {
    const found = await call('assistant.search', {
      term: 'runbook',
      types: ['techdocs'],
    });
    expect(
      found.structuredContent.results.map(
        (r: { entityRef?: string }) => r.entityRef,
      ),
    ).toContain('component:default/checkout-service');
  }).toPass({ timeout: 120_000, intervals: [5_000] });
});

test('an assistant gets the briefing on a service before touching it', async () => {
  const answer = await call('assistant.get-service-context', {
    entityRef: 'checkout-service',
  });
  expect(answer.isError).toBeFalsy();
  const { context } = answer.structuredContent;
  expect(context).toMatchObject({
    entityRef: 'component:default/checkout-service',
    owner: { entityRef: 'group:default/checkout' },
    docs: { entityRef: 'component:default/checkout-service' },
    goldenPath: { template: expect.stringContaining('typescript-service') },
    running: { available: true },
    delivery: { available: true },
    cost: { available: true },
    scorecard: { available: true },
  });
  expect(context.system).toMatch(/^system:default\//);
  expect(context.running.workloads.length).toBeGreaterThan(0);
  expect(context.delivery.deployments).toBeGreaterThan(0);
});

test('an assistant learns which golden path fits and the rules its change must pass', async () => {
  const answer = await call('assistant.get-golden-path-standards', {
    kindOfService: 'a Python HTTP service',
  });
  expect(answer.isError).toBeFalsy();
  const { standards } = answer.structuredContent;
  expect(standards.bestFit).toBe('template:default/python-service');
  expect(
    standards.goldenPaths.map((p: { type: string }) => p.type),
  ).not.toContain('upgrade');
  expect(standards.guardrails.length).toBeGreaterThan(3);
  expect(standards.scorecard.available).toBe(true);
});

test('an assistant checks its change and gets the leaked secret and the manifest without limits', async () => {
  const token = ['ghp', 'x'.repeat(36)].join('_');
  const manifest = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: checkout-service',
    '  labels: { backstage.io/kubernetes-id: checkout-service }',
    'spec:',
    '  selector: { matchLabels: { app: checkout-service } }',
    '  template:',
    '    metadata:',
    '      labels: { app: checkout-service, backstage.io/kubernetes-id: checkout-service }',
    '    spec:',
    '      securityContext: { runAsNonRoot: true }',
    '      containers:',
    '        - name: app',
    '          image: ghcr.io/fernhill/checkout-service:2.4.1',
    '          readinessProbe: { httpGet: { path: /ready, port: 8080 } }',
    '          livenessProbe: { httpGet: { path: /healthz, port: 8080 } }',
    '',
  ].join('\n');
  const answer = await call('assistant.validate-change', {
    files: [
      { path: 'k8s/base/deployment.yaml', content: manifest },
      { path: 'src/github.ts', content: `export const token = '${token}';\n` },
    ],
  });
  expect(answer.isError).toBeFalsy();
  const { passed, findings } = answer.structuredContent;
  expect(passed).toBe(false);
  const checks = findings.map(
    (f: { check: string; file: string }) => `${f.check} ${f.file}`,
  );
  expect(checks).toContain('kubernetes k8s/base/deployment.yaml');
  expect(checks).toContain('secrets src/github.ts');
  expect(
    findings.some((f: { message: string }) =>
      /resources\.limits/.test(f.message),
    ),
  ).toBe(true);
  // The secret is found, never repeated.
  expect(JSON.stringify(answer)).not.toContain(token);

  // The same check over HTTP, as the pull-request workflow runs it.
  const api = await request.newContext({ baseURL: BASE_URL });
  const http = await api.post('/api/assistant/validate', {
    headers: { authorization: `Bearer ${await guestToken()}` },
    data: { files: [{ path: 'k8s/base/deployment.yaml', content: manifest }] },
  });
  expect(http.status()).toBe(200);
  expect((await http.json()).passed).toBe(false);
  expect(
    (
      await api.post('/api/assistant/validate', { data: { files: [] } })
    ).status(),
  ).toBe(401);
  await api.dispose();
});

test('an assistant is refused what the HTTP API refuses its user', async () => {
  // The whole organisation's cost is for admins; the guest is a developer.
  const api = await request.newContext({ baseURL: BASE_URL });
  const http = await api.get('/api/cost/entity', {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(http.status()).toBe(403);
  await api.dispose();
  const viaMcp = await call('cost.get-entity-cost', {});
  expect(viaMcp.isError).toBe(true);
  expect(viaMcp.content[0].text).toMatch(/not allowed|may not|NotAllowed/i);

  // A service's cost answers, as it does over HTTP.
  const own = await call('cost.get-entity-cost', {
    entityRef: 'component:default/checkout-service',
  });
  expect(own.isError).toBeFalsy();
});
