import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PortalReads } from './PortalReads';

/** mkdocs' search index of a small site: a page entry, then its sections. */
const INDEX = [
  {
    location: '',
    title: 'Checkout',
    text: 'Checkout Service ¶ Turns a basket into an order.',
  },
  {
    location: '#checkout',
    title: 'Checkout',
    text: 'Turns a basket into an order.',
  },
  {
    location: 'runbook/',
    title: 'Runbook',
    text: 'Runbook ¶ Alerts and what to do.',
  },
  {
    location: 'runbook/#high-error-rate',
    title: 'High error rate',
    text: 'Roll back the last deploy.',
  },
  {
    location: 'runbook/#slot-holds',
    title: 'Slot holds',
    text: 'Flush the slot cache.',
  },
];

/** The search and TechDocs backends as far as the reads use them. */
let answers: Record<string, { status: number; body: unknown }> = {};
let requests: Array<{ path: string; authorization?: string }> = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '', 'http://localhost');
    requests.push({
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
    });
    const answer = answers[url.pathname] ?? { status: 404, body: {} };
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(
      typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body),
    );
    // A build makes the site appear.
    if (url.pathname.startsWith('/api/techdocs/sync/')) {
      answers[
        '/api/techdocs/static/docs/default/component/checkout/search/search_index.json'
      ] = { status: 200, body: { docs: INDEX } };
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise(resolve => server.close(resolve)));
beforeEach(() => {
  answers = {};
  requests = [];
});

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
  },
  spec: { type: 'service', owner: 'checkout', lifecycle: 'production' },
};
const checkoutApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name: 'checkout-api',
    namespace: 'default',
    annotations: { 'backstage.io/techdocs-entity': 'component:checkout' },
  },
  spec: { type: 'openapi', owner: 'checkout', lifecycle: 'production' },
};

const reads = () =>
  new PortalReads({
    auth: mockServices.auth(),
    discovery: {
      getBaseUrl: async id => `${baseUrl}/api/${id}`,
      getExternalBaseUrl: async id => `${baseUrl}/api/${id}`,
    },
    catalog: catalogServiceMock({ entities: [checkout, checkoutApi] }),
    appBaseUrl: 'https://portal.example.com/',
  });
const ada = mockCredentials.user('user:default/ada');

describe('the portal reads an assistant asks for', () => {
  it('searches as the user, answering docs hits with the page to read next', async () => {
    answers['/api/search/query'] = {
      status: 200,
      body: {
        results: [
          {
            type: 'techdocs',
            document: {
              title: 'High error rate',
              text: 'Roll back the last deploy.',
              location:
                '/docs/default/component/checkout/runbook/#high-error-rate',
            },
          },
          {
            type: 'software-catalog',
            document: {
              title: 'Checkout',
              text: 'x'.repeat(500),
              location: '/catalog/default/component/checkout',
            },
          },
        ],
      },
    };
    const hits = await reads().search(
      { term: 'error rate', types: ['techdocs', 'software-catalog'] },
      ada,
    );
    expect(hits[0]).toEqual({
      type: 'techdocs',
      title: 'High error rate',
      text: 'Roll back the last deploy.',
      url: 'https://portal.example.com/docs/default/component/checkout/runbook/#high-error-rate',
      entityRef: 'component:default/checkout',
      docPath: 'runbook/',
    });
    expect(hits[1]).toMatchObject({ entityRef: 'component:default/checkout' });
    expect(hits[1].text).toHaveLength(401);
    expect(requests[0].path).toBe(
      '/api/search/query?term=error+rate&types%5B0%5D=techdocs&types%5B1%5D=software-catalog&pageLimit=10',
    );
    expect(requests[0].authorization).toContain('user:default/ada');
    await expect(reads().search({ term: '  ' }, ada)).rejects.toThrow(
      'term must say what to search for',
    );
  });

  it('reads a page section by section, building the site first where it is not built yet', async () => {
    answers['/api/techdocs/sync/default/component/checkout'] = {
      status: 200,
      body: 'event: finish\ndata: {"updated":true}\n\n',
    };
    const page = await reads().docPage(
      'api:default/checkout-api',
      'runbook',
      ada,
    );
    expect(page).toEqual({
      entityRef: 'component:default/checkout',
      path: 'runbook/',
      title: 'Runbook',
      url: 'https://portal.example.com/docs/default/component/checkout/runbook/',
      sections: [
        {
          title: 'High error rate',
          anchor: 'high-error-rate',
          text: 'Roll back the last deploy.',
        },
        {
          title: 'Slot holds',
          anchor: 'slot-holds',
          text: 'Flush the slot cache.',
        },
      ],
      pages: [
        { path: '', title: 'Checkout' },
        { path: 'runbook/', title: 'Runbook' },
      ],
      truncated: false,
    });
    expect(requests.map(r => r.path)).toEqual([
      '/api/techdocs/static/docs/default/component/checkout/search/search_index.json',
      '/api/techdocs/sync/default/component/checkout',
      '/api/techdocs/static/docs/default/component/checkout/search/search_index.json',
    ]);
    await expect(
      reads().docPage('component:default/checkout', 'nowhere/', ada),
    ).rejects.toThrow(
      "No page 'nowhere/' in the docs of component:default/checkout; its pages: (home), runbook/",
    );
  });

  it('says when an entity has no docs or does not exist', async () => {
    await expect(
      reads().docPage('component:default/ghost', '', ada),
    ).rejects.toThrow('No entity component:default/ghost');
    await expect(reads().docPage('', '', ada)).rejects.toThrow(
      "'' is not an entity ref",
    );
  });
});
