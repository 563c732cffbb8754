import { mockApis } from '@backstage/frontend-test-utils';
import { CostClient } from './CostClient';

const window = { from: '2026-10-28', to: '2026-11-27' };

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
  const client = new CostClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://paved.test' }),
    fetchApi,
  });
  return { client, calls, tokens };
}

describe('CostClient', () => {
  it('reads the entity, window and granularity from the cost backend', async () => {
    const { client, calls } = clientAnswering(() => Response.json({}));
    await client.getEntityCost('component:default/checkout', window, 'month');
    await client.getRankings('group:default/checkout', window);
    await client.getSources();
    expect(calls).toEqual([
      'http://paved.test/api/cost/entity?entityRef=component%3Adefault%2Fcheckout&from=2026-10-28&to=2026-11-27&granularity=month',
      'http://paved.test/api/cost/rankings?entityRef=group%3Adefault%2Fcheckout&from=2026-10-28&to=2026-11-27',
      'http://paved.test/api/cost/sources',
    ]);
    expect(
      await client.getExportUrl('component:default/checkout', window),
    ).toBe(
      'http://paved.test/api/cost/export.csv?entityRef=component%3Adefault%2Fcheckout&from=2026-10-28&to=2026-11-27',
    );
  });

  it('sends no entityRef for the organisation', async () => {
    const { client, calls } = clientAnswering(() => new Response('day\n'));
    await client.exportCsv('', window);
    expect(calls).toEqual([
      'http://paved.test/api/cost/export.csv?from=2026-10-28&to=2026-11-27',
    ]);
    expect(await client.getExportUrl('', window)).toBe(calls[0]);
  });

  it('turns a 403 on an entity into an error with its status', async () => {
    const { client } = clientAnswering(() =>
      Response.json(
        {
          error: { name: 'NotAllowedError', message: 'Not yours' },
          response: { statusCode: 403 },
        },
        { status: 403 },
      ),
    );
    await expect(
      client.getEntityCost('component:default/checkout', window, 'day'),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 403 });
  });

  it('shows no unattributed cost to someone who may not see it', async () => {
    const { client } = clientAnswering(
      () => new Response('{}', { status: 403 }),
    );
    await expect(client.getUnattributed(window)).resolves.toBeUndefined();
    const failing = clientAnswering(() => new Response('{}', { status: 500 }));
    await expect(failing.client.getUnattributed(window)).rejects.toMatchObject({
      statusCode: 500,
    });
  });

  it('fetches the CSV with the user’s credentials', async () => {
    const { client, calls, tokens } = clientAnswering(
      () => new Response('day,cost\n2026-11-01,12.5\n'),
    );
    const blob = await client.exportCsv('component:default/checkout', window);
    expect(await blob.text()).toBe('day,cost\n2026-11-01,12.5\n');
    expect(calls[0]).toMatch(/\/api\/cost\/export\.csv\?entityRef=/);
    expect(tokens[0]).toBe('Bearer user-token');
  });
});
