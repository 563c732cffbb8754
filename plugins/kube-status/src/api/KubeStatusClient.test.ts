import { mockApis } from '@backstage/frontend-test-utils';
import { KubeStatusClient } from './KubeStatusClient';

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
  const client = new KubeStatusClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://paved.test' }),
    fetchApi,
  });
  return { client, calls, tokens };
}

describe('KubeStatusClient', () => {
  it('reads an entity’s and a team’s status with the user’s credentials', async () => {
    const { client, calls, tokens } = clientAnswering(() =>
      Response.json({ workloads: [] }),
    );
    await client.getEntityStatus('component:default/checkout-service');
    await client.getTeamStatus('group:default/checkout');
    expect(calls).toEqual([
      'http://paved.test/api/kube-status/entity?entityRef=component%3Adefault%2Fcheckout-service',
      'http://paved.test/api/kube-status/team?entityRef=group%3Adefault%2Fcheckout',
    ]);
    expect(tokens).toEqual(['Bearer user-token', 'Bearer user-token']);
  });

  it('turns an error response into an error with its status', async () => {
    const { client } = clientAnswering(
      () =>
        new Response(
          JSON.stringify({
            error: { name: 'NotAllowedError', message: 'Not allowed' },
            response: { statusCode: 403 },
          }),
          { status: 403, headers: { 'Content-Type': 'application/json' } },
        ),
    );
    await expect(
      client.getTeamStatus('group:default/checkout'),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      cause: { message: 'Not allowed' },
    });
  });
});
