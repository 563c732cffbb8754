import { mockApis } from '@backstage/frontend-test-utils';
import { ProxiedAuth } from './ProxiedAuth';

const authBaseUrl = 'http://paved.test/api/auth';

/** A Backstage token (unsigned; the browser only reads its `exp`). */
function token(claims: { sub: string; exp?: number }): string {
  const part = (value: object) =>
    window
      .btoa(JSON.stringify(value))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  return `${part({ alg: 'ES256', typ: 'vnd.backstage.user' })}.${part({
    ent: [claims.sub],
    ...claims,
  })}.signature`;
}

const now = Date.parse('2026-12-04T10:00:00Z');
/** A token valid for an hour from `now`. */
const priyaToken = token({ sub: 'user:default/priya', exp: now / 1000 + 3600 });

/** What the auth backend's `/refresh` answers for a signed-in admin. */
const refreshed = (withToken = priyaToken) =>
  Response.json({
    profile: { displayName: 'Priya Raman', email: 'priya@paved.test' },
    backstageIdentity: {
      token: withToken,
      identity: {
        type: 'user',
        userEntityRef: 'user:default/priya',
        ownershipEntityRefs: ['user:default/priya', 'group:default/platform'],
      },
    },
  });

const refused = () =>
  Response.json(
    {
      error: { name: 'AuthenticationError', message: 'Sign-in is disabled' },
      response: { statusCode: 401 },
    },
    { status: 401, statusText: 'Unauthorized' },
  );

describe('ProxiedAuth', () => {
  let fetchMock: jest.SpyInstance;
  beforeEach(() => {
    jest.useFakeTimers({ now, doNotFake: ['queueMicrotask', 'nextTick'] });
    fetchMock = jest.spyOn(globalThis, 'fetch');
  });
  afterEach(() => {
    fetchMock.mockRestore();
    jest.useRealTimers();
  });

  const demoAdmin = () =>
    new ProxiedAuth({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://paved.test' }),
      provider: 'demo-admin',
    });

  it('signs in with the provider’s refresh, sending the browser’s cookies', async () => {
    fetchMock.mockResolvedValueOnce(refreshed());
    const auth = demoAdmin();

    const identity = await auth.getBackstageIdentity();
    expect(identity.identity.userEntityRef).toBe('user:default/priya');
    expect(identity.token).toBe(priyaToken);
    expect(await auth.getProfile()).toEqual({
      displayName: 'Priya Raman',
      email: 'priya@paved.test',
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe(`${authBaseUrl}/demo-admin/refresh`);
    expect(init).toMatchObject({
      credentials: 'include',
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
  });

  it('keeps the session until a minute before the token expires, then refreshes it', async () => {
    const renewed = token({
      sub: 'user:default/priya',
      exp: now / 1000 + 7200,
    });
    fetchMock
      .mockResolvedValueOnce(refreshed())
      .mockResolvedValueOnce(refreshed(renewed));
    const auth = demoAdmin();
    await auth.signIn();

    jest.setSystemTime(now + 58 * 60_000);
    expect((await auth.getBackstageIdentity()).token).toBe(priyaToken);
    expect(fetchMock).toHaveBeenCalledTimes(1);

    jest.setSystemTime(now + 59 * 60_000 + 1);
    expect((await auth.getBackstageIdentity()).token).toBe(renewed);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('fails with the backend’s reason when the refresh is refused, and tries again next time', async () => {
    fetchMock
      .mockResolvedValueOnce(refused())
      .mockResolvedValueOnce(refreshed());
    const auth = demoAdmin();

    await expect(auth.getBackstageIdentity()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 401,
      body: { error: { message: 'Sign-in is disabled' } },
    });
    // A failure is not remembered as a session.
    expect((await auth.getBackstageIdentity()).identity.userEntityRef).toBe(
      'user:default/priya',
    );
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('forgets the session on sign-out', async () => {
    fetchMock
      .mockResolvedValueOnce(refreshed())
      .mockResolvedValueOnce(refreshed());
    const auth = demoAdmin();
    await auth.signIn();
    await auth.signOut();
    await auth.getProfile();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('renews in five minutes a token whose expiry it cannot read, and takes a missing profile as empty', async () => {
    fetchMock
      .mockResolvedValueOnce(
        Response.json({
          backstageIdentity: {
            token: 'opaque',
            identity: {
              type: 'user',
              userEntityRef: 'user:default/guest',
              ownershipEntityRefs: [],
            },
          },
        }),
      )
      .mockResolvedValueOnce(refreshed());
    const auth = demoAdmin();
    expect(await auth.getProfile()).toEqual({});

    jest.setSystemTime(now + 4 * 60_000);
    await auth.getBackstageIdentity();
    expect(fetchMock).toHaveBeenCalledTimes(1);

    jest.setSystemTime(now + 5 * 60_000 + 1);
    expect((await auth.getBackstageIdentity()).identity.userEntityRef).toBe(
      'user:default/priya',
    );
  });
});
