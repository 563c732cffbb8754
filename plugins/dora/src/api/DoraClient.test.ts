import { mockApis } from '@backstage/frontend-test-utils';
import { DoraClient } from './DoraClient';

const scope = {
  entityRef: 'group:default/checkout',
  from: '2026-10-27T12:00:00.000Z',
  to: '2026-11-26T12:00:00.000Z',
  environment: 'production',
};

function clientAnswering(response: () => Response) {
  const calls: string[] = [];
  const tokens: Array<string | null> = [];
  const fetchApi = mockApis.fetch({
    baseImplementation: async (input, init) => {
      const request = new Request(input, init);
      calls.push(request.url);
      tokens.push(request.headers.get('authorization'));
      return response();
    },
    injectIdentityAuth: { token: 'user-token' },
  });
  const client = new DoraClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://paved.test' }),
    fetchApi,
  });
  return { client, calls, tokens };
}

describe('DoraClient', () => {
  it('reads the scope, window and environment from the DORA backend', async () => {
    const { client, calls } = clientAnswering(() =>
      Response.json({ points: [] }),
    );
    await client.getSeries(scope, 'changeLeadTime', 'month');
    await client.getDeployments(
      { ...scope, entityRef: undefined },
      { filter: 'failed', limit: 25, cursor: 'MjU' },
    );
    expect(calls).toEqual([
      'http://paved.test/api/dora/series?entityRef=group%3Adefault%2Fcheckout&from=2026-10-27T12%3A00%3A00.000Z&to=2026-11-26T12%3A00%3A00.000Z&environment=production&metric=changeLeadTime&interval=month',
      'http://paved.test/api/dora/deployments?from=2026-10-27T12%3A00%3A00.000Z&to=2026-11-26T12%3A00%3A00.000Z&environment=production&filter=failed&limit=25&cursor=MjU',
    ]);
    expect(await client.getEventsUrl()).toBe(
      'http://paved.test/api/dora/events',
    );
  });

  it('turns an error response into an error, not into empty metrics', async () => {
    const { client } = clientAnswering(
      () =>
        new Response(
          JSON.stringify({
            error: {
              name: 'NotAllowedError',
              message: 'You may not read DORA metrics',
            },
            response: { statusCode: 403 },
          }),
          { status: 403, headers: { 'Content-Type': 'application/json' } },
        ),
    );
    await expect(client.getMetrics(scope)).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      cause: { message: 'You may not read DORA metrics' },
    });
  });

  it('shows no unattributed services to someone who may not list them', async () => {
    const { client } = clientAnswering(
      () => new Response('{}', { status: 403 }),
    );
    await expect(client.getUnattributed()).resolves.toBeUndefined();
    const admin = clientAnswering(() =>
      Response.json({ services: [{ service: 'legacy-billing', events: 12 }] }),
    );
    await expect(admin.client.getUnattributed()).resolves.toEqual([
      { service: 'legacy-billing', events: 12 },
    ]);
  });

  it('fetches the CSV with the user’s credentials', async () => {
    const { client, calls, tokens } = clientAnswering(
      () =>
        new Response('deployment_id\nrun-1\n', {
          headers: { 'Content-Type': 'text/csv' },
        }),
    );
    const blob = await client.exportCsv(scope, 'rework');
    expect(await blob.text()).toBe('deployment_id\nrun-1\n');
    expect(calls[0]).toMatch(/\/api\/dora\/export\.csv\?.*&filter=rework$/);
    // A plain link would carry no token; the fetch API adds it.
    expect(tokens[0]).toBe('Bearer user-token');
  });
});
