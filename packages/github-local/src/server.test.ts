import { isLoopback } from './admin';
import { seededRepository } from './seed';
import { LocalGithub, RunningGithub } from './server';

const NOW = new Date('2026-11-20T12:00:00Z');
const TOKEN = 'ghs_local';
const ADMIN = 'stand-in-admin';

describe('LocalGithub', () => {
  let github: RunningGithub;
  let clock: number;

  beforeEach(async () => {
    clock = NOW.getTime();
    github = await LocalGithub.start({
      token: TOKEN,
      adminToken: ADMIN,
      repositories: [seededRepository(NOW)],
      now: () => new Date(clock),
    });
  });
  afterEach(() => github.stop());

  const get = (path: string, token = TOKEN) =>
    fetch(`${github.url}${path}`, {
      headers: token ? { authorization: `token ${token}` } : {},
    });
  const faultSwitch = (method: string, body?: object, token = ADMIN) =>
    fetch(`${github.url}/__stand-in/fault`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      body: body ? JSON.stringify(body) : undefined,
    });

  it('lists the seeded deployments newest first, paged with links back to itself', async () => {
    const res = await get(
      '/repos/Fernhill/Paved/deployments?environment=production&per_page=3',
    );
    expect(res.status).toBe(200);
    const page = await res.json();
    expect(page.map((d: any) => d.id)).toEqual([1004, 1003, 1002]);
    expect(page[0]).toMatchObject({
      environment: 'production',
      ref: 'main',
      url: `${github.url}/repos/fernhill/paved/deployments/1004`,
      statuses_url: `${github.url}/repos/fernhill/paved/deployments/1004/statuses`,
    });
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link')!)![1];
    expect(new URL(next).origin).toBe(github.url);
    const second = await (
      await get(new URL(next).pathname + new URL(next).search)
    ).json();
    expect(second.map((d: any) => d.id)).toEqual([1001]);

    const statuses = await (
      await get('/repos/fernhill/paved/deployments/1003/statuses')
    ).json();
    expect(statuses.map((s: any) => s.state)).toEqual([
      'failure',
      'in_progress',
    ]);
    expect(github.api.requests[0]).toBe(
      'GET /repos/Fernhill/Paved/deployments?environment=production&per_page=3',
    );
  });

  it('compares commits and finds the pull request a squash merge came from', async () => {
    const repo = seededRepository(NOW);
    const [base, head] = [repo.history[3].sha, repo.history[6].sha];
    const compared = await (
      await get(`/repos/fernhill/paved/compare/${base}...${head}`)
    ).json();
    expect(compared.total_commits).toBe(3);
    expect(compared.commits.map((c: any) => c.sha)).toEqual(
      repo.history.slice(4, 7).map(c => c.sha),
    );
    const pulls = await (
      await get(`/repos/fernhill/paved/commits/${repo.history[3].sha}/pulls`)
    ).json();
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({
      number: 7,
      merged_at: repo.history[3].authoredAt,
    });
    expect(pulls[0].labels.map((l: any) => l.name)).toEqual(['enhancement']);
    expect((await get('/repos/fernhill/elsewhere/deployments')).status).toBe(
      404,
    );
  });

  it('refuses requests without the token as GitHub does', async () => {
    const res = await get('/repos/fernhill/paved/deployments', '');
    expect(res.status).toBe(401);
    expect((await res.json()).message).toBe('Bad credentials');
    expect(
      (await get('/repos/fernhill/paved/deployments', 'other')).status,
    ).toBe(401);
  });

  it('answers 5xx with GitHub error bodies under the error fault, until cleared', async () => {
    expect(await (await faultSwitch('PUT', { kind: 'error' })).json()).toEqual({
      fault: { kind: 'error' },
    });
    const failed = await get('/repos/fernhill/paved/deployments');
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ message: 'Server Error' });
    await faultSwitch('PUT', { kind: 'error', status: 503 });
    expect((await get('/repos/fernhill/paved/deployments')).status).toBe(503);

    expect(await (await faultSwitch('DELETE')).json()).toEqual({ fault: null });
    expect((await get('/repos/fernhill/paved/deployments')).status).toBe(200);
  });

  it('rate-limits with x-ratelimit-remaining 0 until the reset, then answers again', async () => {
    await faultSwitch('PUT', { kind: 'rate-limit', resetInSeconds: 120 });
    const limited = await get('/repos/fernhill/paved/deployments');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(
      NOW.getTime() / 1000 + 120,
    );
    expect((await limited.json()).message).toMatch(/^API rate limit exceeded/);

    clock += 119_000;
    expect((await get('/repos/fernhill/paved/deployments')).status).toBe(403);
    clock += 1_000;
    expect((await get('/repos/fernhill/paved/deployments')).status).toBe(200);
    expect(await (await faultSwitch('GET')).json()).toEqual({ fault: null });
  });

  it('answers secondary rate limits with retry-after, 403 or 429', async () => {
    github.setFault({ kind: 'secondary-rate-limit' });
    const forbidden = await get('/repos/fernhill/paved/deployments');
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('retry-after')).toBe('60');
    expect((await forbidden.json()).message).toMatch(/secondary rate limit/);

    await faultSwitch('PUT', {
      kind: 'secondary-rate-limit',
      status: 429,
      retryAfterSeconds: 5,
    });
    const tooMany = await get('/repos/fernhill/paved/deployments');
    expect(tooMany.status).toBe(429);
    expect(tooMany.headers.get('retry-after')).toBe('5');
    github.setFault(undefined);
    expect((await get('/repos/fernhill/paved/deployments')).status).toBe(200);
  });

  it('refuses the switch without the admin token, and has none without one', async () => {
    expect((await faultSwitch('PUT', { kind: 'error' }, '')).status).toBe(401);
    expect((await faultSwitch('PUT', { kind: 'error' }, TOKEN)).status).toBe(
      401,
    );
    expect((await faultSwitch('PUT', { kind: 'outage' })).status).toBe(400);
    expect(
      (await faultSwitch('PUT', { kind: 'secondary-rate-limit', status: 500 }))
        .status,
    ).toBe(400);
    expect(github.fault).toBeUndefined();

    const plain = await LocalGithub.start({ token: TOKEN });
    try {
      const res = await fetch(`${plain.url}/__stand-in/fault`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ kind: 'error' }),
      });
      expect(res.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });

  it('answers the switch on loopback addresses only', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.4')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});
