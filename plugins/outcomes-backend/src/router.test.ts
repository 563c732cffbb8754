import type { AddressInfo } from 'node:net';
import {
  createBackendModule,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
// The consistency tests run the real DORA, cost and Kubernetes status
// plugins beside outcomes, as the portal's backend does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import costPlugin from '@paved/plugin-cost-backend';
import type { CostRecord } from '@paved/plugin-cost-common';
import { costSourcesExtensionPoint } from '@paved/plugin-cost-node';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import doraPlugin from '@paved/plugin-dora-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import kubeStatusPlugin from '@paved/plugin-kube-status-backend';
import { parseCsv } from '@paved/csv-export';
import type { Outcomes } from '@paved/plugin-outcomes-common';
import { outcomesPlugin } from './plugin';

jest.setTimeout(60_000);

/** The three windows of every read here: 28 days each, newest first. */
const WINDOW = { from: '2026-10-29', to: '2026-11-26' };
const PREVIOUS = { from: '2026-10-01', to: '2026-10-29' };
const QUERY = `from=${WINDOW.from}&to=${WINDOW.to}`;

const TEAM_LEAD = 'user:default/lead';
/** Reads delivery everywhere, but no cost (cost.read is denied). */
const OUTSIDER = 'user:default/outsider';

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});
const group = (name: string, children: string[] = []): Entity => ({
  apiVersion: 'backstage.io/v1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children },
  relations: children.map(c => ({
    type: 'parentOf',
    targetRef: `group:default/${c}`,
  })),
});
const entities: Entity[] = [
  component('fast', 'team-fast'),
  component('steady', 'team-steady'),
  component('silent', 'team-steady'),
  group('engineering', ['team-fast', 'team-steady']),
  group('team-fast'),
  group('team-steady'),
];

const DAY = 86_400_000;
const at = (day: string, hours = 12) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + hours * 3_600_000).toISOString();
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY)
    .toISOString()
    .slice(0, 10);

/**
 * `count` deployments of `service` spread over a window, each delivering
 * one change authored `leadHours` before; the first `failures` cause an
 * incident, resolved `recoveryHours` after it opened.
 */
function deliveries(
  service: string,
  window: { from: string },
  options: {
    count: number;
    leadHours: number;
    failures: number;
    recoveryHours?: number;
  },
) {
  const events: unknown[] = [];
  for (let i = 0; i < options.count; i++) {
    const day = addDays(window.from, Math.floor((i * 28) / options.count));
    const id = `${service}-${window.from}-${i}`;
    const finishedAt = at(day, 12);
    const sha = `${id.replace(/[^a-z0-9]/g, '')}sha`.slice(-40);
    events.push(
      {
        type: 'change',
        id: `c-${id}`,
        service,
        sha,
        authoredAt: new Date(
          Date.parse(finishedAt) - options.leadHours * 3_600_000,
        ).toISOString(),
      },
      {
        type: 'deployment',
        id: `d-${id}`,
        service,
        environment: 'production',
        status: 'success',
        startedAt: at(day, 11),
        finishedAt,
        commitSha: sha,
      },
    );
    if (i < options.failures) {
      // An incident naming the deployment.
      events.push({
        type: 'incident',
        id: `i-${id}`,
        service,
        environment: 'production',
        openedAt: at(day, 13),
        resolvedAt: at(day, 13 + (options.recoveryHours ?? 1)),
        causedByDeploymentId: `d-${id}`,
      });
    }
  }
  return events;
}

function workloadRows(app: string, from: string, days: number, cost: number) {
  return Array.from(
    { length: days },
    (_, i): CostRecord => ({
      day: addDays(from, i),
      kind: 'workload',
      labels: { app },
      cluster: 'prod',
      namespace: 'apps',
      controller: app,
      costs: { compute: cost / 2, memory: cost / 2 },
      effectiveCost: cost,
    }),
  );
}

/** Cost of both windows: fast flat, steady doubling, silent only now. */
const costRows: CostRecord[] = [
  ...workloadRows('fast', PREVIOUS.from, 56, 10),
  ...workloadRows('steady', PREVIOUS.from, 28, 10),
  ...workloadRows('steady', WINDOW.from, 28, 20),
  ...workloadRows('silent', WINDOW.from, 28, 5),
];

const costSource = createBackendModule({
  pluginId: 'cost',
  moduleId: 'outcomes-fixture',
  register(env) {
    env.registerInit({
      deps: { sources: costSourcesExtensionPoint },
      async init({ sources }) {
        sources.addSource({
          id: 'fixture',
          async connect(sink) {
            await sink.replace({
              source: 'opencost:prod',
              records: costRows,
              final: true,
              description: 'fixture',
            });
          },
        });
      },
    });
  },
});

const permissions = mockServices.permissions.mock({
  authorize: async (
    requests: AuthorizePermissionRequest[],
    options?: { credentials: BackstageCredentials },
  ) => {
    const user = (options?.credentials.principal as { userEntityRef?: string })
      ?.userEntityRef;
    return requests.map(r => ({
      result:
        user === OUTSIDER && r.permission.name.startsWith('cost.')
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    }));
  },
  // The mock's type wants both overloads of authorize; this fake serves both.
} as any);

describe('outcomes API', () => {
  let get: (
    plugin: string,
    path: string,
    user?: string | null,
  ) => Promise<{ status: number; body: any }>;
  let invoke: (
    actionId: string,
    input: unknown,
    user: string,
  ) => Promise<{ status: number; body: any }>;
  let stop: () => Promise<void>;
  let port: number;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        doraPlugin,
        costPlugin,
        costSource,
        kubeStatusPlugin,
        outcomesPlugin,
        catalogServiceMock.factory({ entities }),
        permissions.factory,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: { cost: { currency: 'EUR' } },
        }),
      ],
    });
    stop = () => backend.stop();
    port = (backend.server.address() as AddressInfo).port;
    get = async (plugin, path, user = TEAM_LEAD) => {
      const res = await fetch(`http://localhost:${port}/api/${plugin}${path}`, {
        headers: user
          ? { authorization: mockCredentials.user.header(user) }
          : {},
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    invoke = async (actionId, input, user) => {
      const res = await fetch(
        `http://localhost:${port}/api/outcomes/.backstage/actions/v1/actions/${actionId}/invoke`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: mockCredentials.user.header(user),
          },
          body: JSON.stringify(input),
        },
      );
      return { status: res.status, body: await res.json() };
    };
    const posted = await fetch(`http://localhost:${port}/api/dora/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: mockCredentials.user.header('user:default/ci'),
      },
      body: JSON.stringify({
        events: [
          // Faster (lead time 48 h → 24 h, twice the deployments) while
          // the change fail rate climbs from 10 % to 30 %.
          ...deliveries('fast', PREVIOUS, {
            count: 10,
            leadHours: 48,
            failures: 1,
          }),
          ...deliveries('fast', WINDOW, {
            count: 20,
            leadHours: 24,
            failures: 6,
          }),
          // The same in both windows.
          ...deliveries('steady', PREVIOUS, {
            count: 10,
            leadHours: 30,
            failures: 1,
          }),
          ...deliveries('steady', WINDOW, {
            count: 10,
            leadHours: 30,
            failures: 1,
          }),
        ],
      }),
    });
    if (posted.status !== 200) {
      throw new Error(`events refused: ${await posted.text()}`);
    }
  });

  afterAll(() => stop());

  const outcomesOf = async (entityRef?: string, user?: string) => {
    const ref = entityRef ? `&entityRef=${entityRef}` : '';
    const res = await get('outcomes', `/scope?${QUERY}${ref}`, user);
    expect(res.status).toBe(200);
    return res.body as Outcomes;
  };

  it.each([
    'component:default/fast',
    'group:default/team-steady',
    'group:default/engineering',
  ])(
    'shows for %s exactly what the Delivery and Cost APIs answer',
    async entityRef => {
      const outcomes = await outcomesOf(entityRef);
      const dora = (window: { from: string; to: string }) =>
        get(
          'dora',
          `/metrics?entityRef=${entityRef}&from=${window.from}T00:00:00Z&to=${window.to}T00:00:00Z`,
        ).then(r => r.body);
      const cost = (window: { from: string; to: string }) =>
        get(
          'cost',
          `/entity?entityRef=${entityRef}&from=${window.from}&to=${window.to}`,
        ).then(r => r.body);
      const [now, before, costNow, costBefore] = await Promise.all([
        dora(WINDOW),
        dora(PREVIOUS),
        cost(WINDOW),
        cost(PREVIOUS),
      ]);

      expect(outcomes.window).toEqual(WINDOW);
      expect(outcomes.previousWindow).toEqual(PREVIOUS);
      expect(outcomes.speed.deploymentFrequency).toMatchObject({
        value: now.deploymentFrequency.perDay,
        previous: before.deploymentFrequency.perDay,
        n: now.deploymentFrequency.deployments,
        band: now.deploymentFrequency.benchmark.band,
      });
      expect(outcomes.speed.changeLeadTime).toMatchObject({
        value: now.changeLeadTime.p50,
        previous: before.changeLeadTime.p50,
        n: now.changeLeadTime.n,
      });
      expect(outcomes.speed.failedDeploymentRecoveryTime.value).toBe(
        now.failedDeploymentRecoveryTime.p50,
      );
      expect(outcomes.stability.changeFailRate).toMatchObject({
        value: now.changeFailRate.rate,
        previous: before.changeFailRate.rate,
      });
      expect(outcomes.stability.deploymentReworkRate.value).toBe(
        now.deploymentReworkRate.rate,
      );
      expect(outcomes.currency).toBe('EUR');
      expect(outcomes.cost.total).toMatchObject({
        value: costNow.total,
        previous: costBefore.total,
      });
      expect(outcomes.cost.perDeployment.value).toBe(
        costNow.total / now.deploymentFrequency.deployments,
      );
      expect(outcomes.cost.perChange.value).toBe(
        costNow.total / now.changeLeadTime.n,
      );
      // One time axis: four weeks, whose deployments and cost add up to
      // the window's.
      expect(outcomes.weeks.map(w => w.start)).toEqual([
        '2026-10-29',
        '2026-11-05',
        '2026-11-12',
        '2026-11-19',
      ]);
      const sum = (values: Array<number | null>) =>
        values.reduce<number>((a, b) => a + (b ?? 0), 0);
      expect(sum(outcomes.weeks.map(w => w.deployments))).toBe(
        now.deploymentFrequency.deployments,
      );
      expect(sum(outcomes.weeks.map(w => w.cost))).toBeCloseTo(
        costNow.total,
        6,
      );
      expect(outcomes.unavailable).toEqual([]);
    },
  );

  it('says when speed hides instability, and links to the failed deployments', async () => {
    const outcomes = await outcomesOf('group:default/team-fast');
    expect(outcomes.speed.changeLeadTime.verdict).toBe('better');
    expect(outcomes.stability.changeFailRate).toMatchObject({
      value: 0.3,
      previous: 0.1,
      verdict: 'worse',
    });
    const signal = outcomes.signals.find(
      s => s.rule === 'speed-without-stability',
    );
    expect(signal).toMatchObject({
      tone: 'warning',
      drillDown: {
        view: 'delivery',
        entityRef: 'group:default/team-fast',
        metric: 'changeFailRate',
      },
    });
    expect(signal!.message).toMatch(
      /change fail rate climbed from 10 % to 30 %/,
    );
    // Cheaper per deployment, yes; faster without losing stability, no.
    expect(outcomes.signals.map(s => s.title)).toContain(
      'Cheaper per deployment',
    );
    expect(outcomes.signals.map(s => s.title)).not.toContain(
      'Faster without losing stability',
    );
  });

  it('names a service that costs but never deploys, and cost outpacing delivery', async () => {
    const outcomes = await outcomesOf('group:default/team-steady');
    const rules = outcomes.signals.map(s => s.rule);
    expect(rules).not.toContain('speed-without-stability');
    const silent = outcomes.signals.filter(s => s.rule === 'silent-service');
    expect(silent).toHaveLength(1);
    expect(silent[0].drillDown.entityRef).toBe('component:default/silent');
    expect(silent[0].message).toMatch(/reported no deployment/);
    const cost = outcomes.signals.find(
      s => s.rule === 'cost-outpacing-delivery',
    );
    // steady 280 → 560 and silent 0 → 140: +150 % with as many deployments.
    expect(cost?.message).toMatch(
      /^Cost rose 150 % \(€280.00 → €700.00\) while deployments rose 0 %/,
    );
  });

  it('leaves out the cost of a caller who may not read it, and says why', async () => {
    const outcomes = await outcomesOf('group:default/team-steady', OUTSIDER);
    expect(outcomes.speed.deploymentFrequency.value).not.toBeNull();
    expect(outcomes.cost.total.value).toBeNull();
    expect(outcomes.cost.perDeployment.value).toBeNull();
    expect(outcomes.weeks.every(w => w.cost === null)).toBe(true);
    expect(outcomes.unavailable).toEqual([
      { stream: 'cost', reason: expect.any(String) },
    ]);
    expect(
      outcomes.signals.filter(s => s.rule === 'cost-outpacing-delivery'),
    ).toEqual([]);
  });

  it.each([
    ['from=2026-10-01&to=2027-11-01', 400, /at most 366 days/],
    ['from=2026-10-31&to=2026-10-01', 400, /from must be before to/],
    ['from=yesterday', 400, /from must be a YYYY-MM-DD day/],
    [
      `${QUERY}&entityRef=api:default/orders`,
      400,
      /component, system or group/,
    ],
    [`${QUERY}&environment=prod%0Auction`, 400, /environment must be/],
    [`${QUERY}&colour=blue`, 400, /colour/],
    [`${QUERY}&entityRef=group:default/nobody`, 404, /nobody/],
  ])(
    'refuses %s with %i naming what is wrong',
    async (query, status, message) => {
      const res = await get('outcomes', `/scope?${query}`);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    },
  );

  it('answers assistants through outcomes:get-outcomes exactly as the route answers the same caller', async () => {
    for (const user of [TEAM_LEAD, OUTSIDER]) {
      const action = await invoke(
        'outcomes:get-outcomes',
        { entityRef: 'group:default/team-steady', ...WINDOW },
        user,
      );
      expect(action.status).toBe(200);
      expect(action.body.output.outcomes).toEqual(
        await outcomesOf('group:default/team-steady', user),
      );
    }
    const refused = await invoke(
      'outcomes:get-outcomes',
      { from: '2026-10-31', to: '2026-10-01' },
      TEAM_LEAD,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/from must be before to/);
  });

  it('lists every team side by side with the numbers of its own Outcomes tab', async () => {
    const res = await get('outcomes', `/teams?${QUERY}`);
    expect(res.status).toBe(200);
    const table = res.body;
    expect(table.window).toEqual(WINDOW);
    expect(table.currency).toBe('EUR');
    expect(table.truncated).toBe(false);
    expect(table.teams.map((t: { entityRef: string }) => t.entityRef)).toEqual([
      'group:default/engineering',
      'group:default/team-fast',
      'group:default/team-steady',
    ]);
    for (const team of table.teams) {
      const own = await outcomesOf(team.entityRef);
      expect(team.speed).toEqual(own.speed);
      expect(team.stability).toEqual(own.stability);
      expect(team.cost.total.value).toBe(own.cost.total.value);
      expect(team.cost.perDeployment).toEqual(own.cost.perDeployment);
    }
    const fast = table.teams.find(
      (t: { entityRef: string }) => t.entityRef === 'group:default/team-fast',
    );
    expect(fast.signals.map((s: { rule: string }) => s.rule)).toContain(
      'speed-without-stability',
    );
    // Someone who may read delivery but no cost sees every team's
    // delivery and no cost at all.
    const outsider = (await get('outcomes', `/teams?${QUERY}`, OUTSIDER)).body;
    expect(outsider.currency).toBeNull();
    expect(
      outsider.teams.map((t: { entityRef: string }) => t.entityRef),
    ).toEqual(table.teams.map((t: { entityRef: string }) => t.entityRef));
    for (const [i, team] of outsider.teams.entries()) {
      expect(team.speed).toEqual(table.teams[i].speed);
      expect(team.cost.total.value).toBeNull();
    }
    const refused = await get(
      'outcomes',
      `/teams?${QUERY}&entityRef=group:default/team-fast`,
    );
    expect(refused.status).toBe(400);
  });

  it('exports the teams table as CSV with the numbers of /teams, in the units its header names', async () => {
    const res = await fetch(
      `http://localhost:${port}/api/outcomes/teams.csv?${QUERY}`,
      { headers: { authorization: mockCredentials.user.header(TEAM_LEAD) } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="outcomes-teams.csv"/,
    );
    const [header, ...lines] = parseCsv(await res.text());
    const rows = lines.map(line =>
      Object.fromEntries(header.map((column, i) => [column, line[i]])),
    );
    const table = (await get('outcomes', `/teams?${QUERY}`)).body;
    expect(rows.map(r => r.team)).toEqual(
      table.teams.map((t: { entityRef: string }) => t.entityRef),
    );
    const fast = rows.find(r => r.team === 'group:default/team-fast')!;
    const json = table.teams.find(
      (t: { entityRef: string }) => t.entityRef === 'group:default/team-fast',
    );
    expect(fast).toMatchObject({
      window_from: WINDOW.from,
      window_to: WINDOW.to,
      environment: 'production',
      currency: 'EUR',
      change_lead_time_band: json.speed.changeLeadTime.band,
    });
    expect(Number(fast.change_lead_time_hours)).toBeCloseTo(
      json.speed.changeLeadTime.value / 3600,
      4,
    );
    expect(Number(fast.deployments_per_day)).toBeCloseTo(
      json.speed.deploymentFrequency.value,
      4,
    );
    expect(Number(fast.change_fail_rate_previous)).toBeCloseTo(
      json.stability.changeFailRate.previous,
      4,
    );
    expect(Number(fast.cost)).toBeCloseTo(json.cost.total.value, 2);
    expect(fast.signals.split('; ')).toContain('speed-without-stability');
    const refused = await fetch(
      `http://localhost:${port}/api/outcomes/teams.csv?from=2026-13-01`,
      { headers: { authorization: mockCredentials.user.header(TEAM_LEAD) } },
    );
    expect(refused.status).toBe(400);
    const anonymous = await fetch(
      `http://localhost:${port}/api/outcomes/teams.csv?${QUERY}`,
    );
    expect(anonymous.status).toBe(401);
  });

  it('needs credentials', async () => {
    const res = await get('outcomes', `/scope?${QUERY}`, null);
    expect(res.status).toBe(401);
  });
});
