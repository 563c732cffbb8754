// @ts-check
/*
 * An organisation of enterprise size for the scale benchmark (issue 17):
 * at scale 1, one organisation group, 20 departments, 200 teams, 2,000
 * users, 100 systems, 5,000 components and 500 APIs, with the annotations
 * Paved's plugins read (the catalog annotation contract), and a year of
 * delivery history for every component. Deterministic: the same scale and
 * seed give the same catalog and the same events.
 *
 *   node e2e-tests/scale/generate.mjs --out DIR [--scale F] [--seed N]
 *
 * writes the catalog files into DIR: a catalog-info.yaml per component
 * repository and a file per department (see writeCatalog). Each entity is
 * written as a JSON document, which is YAML too, so that the generator
 * needs nothing but Node.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** The entity counts at scale 1. */
export const COUNTS = Object.freeze({
  departments: 20,
  teams: 200,
  users: 2000,
  systems: 100,
  components: 5000,
  apis: 500,
});

export const ORGANISATION = 'globex';
const DAY = 86_400_000;

/**
 * A seeded pseudo-random source (mulberry32): the same seed, the same
 * numbers, on every machine.
 * @param {number} seed
 */
export function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer from min to max, both included. */
    int: (/** @type {number} */ min, /** @type {number} */ max) =>
      min + Math.floor(next() * (max - min + 1)),
    /** @template T @param {readonly T[]} items @returns {T} */
    pick: items => items[Math.floor(next() * items.length)],
  };
}

const DEPARTMENT_WORDS = [
  'retail',
  'payments',
  'logistics',
  'marketplace',
  'identity',
  'data',
  'platform',
  'mobile',
  'growth',
  'finance',
  'supply-chain',
  'customer-care',
  'security',
  'advertising',
  'search',
  'media',
  'partners',
  'pricing',
  'travel',
  'insurance',
];
const TEAM_WORDS = [
  'atlas',
  'beacon',
  'comet',
  'delta',
  'ember',
  'falcon',
  'granite',
  'harbour',
  'iris',
  'juniper',
  'kestrel',
  'lumen',
  'meridian',
  'nova',
  'orbit',
  'pioneer',
  'quartz',
  'raven',
  'summit',
  'tundra',
];
const COMPONENT_WORDS = [
  'orders',
  'checkout',
  'ledger',
  'catalogue',
  'pricing',
  'inventory',
  'shipping',
  'notifications',
  'profiles',
  'sessions',
  'invoices',
  'refunds',
  'ratings',
  'search',
  'recommendations',
  'billing',
  'routing',
  'tracking',
  'audit',
  'consent',
];
const COMPONENT_SUFFIXES = [
  'service',
  'api',
  'worker',
  'web',
  'bff',
  'ingestor',
];
const FIRST_NAMES = [
  'ada',
  'bao',
  'chidi',
  'dana',
  'elif',
  'farah',
  'goran',
  'hana',
  'ines',
  'jonas',
  'kofi',
  'lena',
  'mateo',
  'nadia',
  'omar',
  'priya',
  'quinn',
  'rosa',
  'sven',
  'tariq',
];
const LAST_NAMES = [
  'abbott',
  'baker',
  'costa',
  'dubois',
  'eriksen',
  'fischer',
  'garcia',
  'haddad',
  'ivanova',
  'jensen',
  'kowalski',
  'lindqvist',
  'moreau',
  'nakamura',
  'okafor',
  'petrov',
  'quintero',
  'rossi',
  'sato',
  'tanaka',
];

/** @param {number} n @param {number} width */
const pad = (n, width) => String(n).padStart(width, '0');

/**
 * How often a component ships: most a few times a week, a few busy
 * services several times a day.
 * @typedef {{ deploymentsPerDay: number, changesPerDeployment: [number, number],
 *   failureRate: number, incidentRate: number, busy: boolean }} DeliveryProfile
 */

/**
 * @typedef {{ name: string, title: string, parent?: string, children: string[],
 *   type: 'organization' | 'department' | 'team', department?: string }} Group
 * @typedef {{ name: string, team: string, department: string, system: string,
 *   namespace: string, profile: DeliveryProfile, providesApi?: string,
 *   consumesApis: string[], language: string }} Component
 * @typedef {{ name: string, team: string, department: string }} System
 * @typedef {{ name: string, team: string, system: string, provider: string }} Api
 * @typedef {{ name: string, team: string, department: string }} User
 * @typedef {{ scale: number, seed: number, organisation: Group,
 *   departments: Group[], teams: Group[], users: User[], systems: System[],
 *   components: Component[], apis: Api[] }} Organisation
 */

/**
 * The counts at a scale: every count multiplied, at least one of each.
 * @param {number} scale
 */
export function countsAt(scale) {
  return Object.fromEntries(
    Object.entries(COUNTS).map(([kind, n]) => [
      kind,
      Math.max(1, Math.round(n * scale)),
    ]),
  );
}

/**
 * The organisation at a scale, with a seed.
 * @param {{ scale?: number, seed?: number }} [options]
 * @returns {Organisation}
 */
export function generateOrganisation(options = {}) {
  const scale = options.scale ?? 1;
  const seed = options.seed ?? 17;
  const counts = countsAt(scale);
  const rnd = random(seed);

  /** @type {Group} */
  const organisation = {
    name: ORGANISATION,
    title: 'Globex',
    children: [],
    type: 'organization',
  };
  /** @type {Group[]} */
  const departments = [];
  for (let d = 0; d < counts.departments; d++) {
    const word = DEPARTMENT_WORDS[d % DEPARTMENT_WORDS.length];
    const name = `${word}-${pad(d + 1, 2)}`;
    departments.push({
      name,
      title: `${word[0].toUpperCase()}${word.slice(1).replace('-', ' ')} ${
        d + 1
      }`,
      parent: organisation.name,
      children: [],
      type: 'department',
    });
    organisation.children.push(name);
  }
  /** @type {Group[]} */
  const teams = [];
  for (let t = 0; t < counts.teams; t++) {
    const department = departments[t % departments.length];
    const word =
      TEAM_WORDS[Math.floor(t / departments.length) % TEAM_WORDS.length];
    const name = `${department.name}-${word}-${pad(t + 1, 4)}`;
    teams.push({
      name,
      title: `${word[0].toUpperCase()}${word.slice(1)} (${department.title})`,
      parent: department.name,
      department: department.name,
      children: [],
      type: 'team',
    });
    department.children.push(name);
  }
  /** @type {User[]} */
  const users = [];
  for (let u = 0; u < counts.users; u++) {
    const team = teams[u % teams.length];
    users.push({
      name: `${FIRST_NAMES[u % FIRST_NAMES.length]}.${
        LAST_NAMES[Math.floor(u / FIRST_NAMES.length) % LAST_NAMES.length]
      }-${pad(u + 1, 5)}`,
      team: team.name,
      department: /** @type {string} */ (team.department),
    });
  }
  /** @type {System[]} */
  const systems = [];
  /** @type {Map<string, System[]>} */
  const systemsOfDepartment = new Map();
  for (let s = 0; s < counts.systems; s++) {
    const department = departments[s % departments.length];
    // Owned by one of the department's teams.
    const ownTeams = teams.filter(t => t.department === department.name);
    const team = ownTeams.length
      ? ownTeams[Math.floor(s / departments.length) % ownTeams.length]
      : teams[s % teams.length];
    const system = {
      name: `${department.name}-system-${pad(s + 1, 3)}`,
      team: team.name,
      department: department.name,
    };
    systems.push(system);
    const list = systemsOfDepartment.get(department.name) ?? [];
    list.push(system);
    systemsOfDepartment.set(department.name, list);
  }
  /** @type {Component[]} */
  const components = [];
  for (let c = 0; c < counts.components; c++) {
    const team = teams[c % teams.length];
    const department = /** @type {string} */ (team.department);
    const ownSystems = systemsOfDepartment.get(department) ?? systems;
    const system = ownSystems[Math.floor(c / teams.length) % ownSystems.length];
    const name = `${COMPONENT_WORDS[c % COMPONENT_WORDS.length]}-${
      COMPONENT_SUFFIXES[
        Math.floor(c / COMPONENT_WORDS.length) % COMPONENT_SUFFIXES.length
      ]
    }-${pad(c + 1, 5)}`;
    // About one service in 40 is busy: daily deployments or more.
    const busy = rnd.next() < 0.025;
    /** @type {DeliveryProfile} */
    const profile = busy
      ? {
          deploymentsPerDay: 1 + rnd.next() * 4,
          changesPerDeployment: [1, 3],
          failureRate: 0.04,
          incidentRate: 0.01,
          busy,
        }
      : {
          // One to five deployments a week.
          deploymentsPerDay: (1 + rnd.next() * 4) / 7,
          changesPerDeployment: [1, 4],
          failureRate: 0.06,
          incidentRate: 0.04,
          busy,
        };
    components.push({
      name,
      team: team.name,
      department,
      system: system.name,
      namespace: team.name,
      profile,
      consumesApis: [],
      language: rnd.pick(['typescript', 'java', 'go', 'python', 'kotlin']),
    });
  }
  /** @type {Api[]} */
  const apis = [];
  for (let a = 0; a < counts.apis; a++) {
    const provider =
      components[Math.floor((a * components.length) / counts.apis)];
    const name = `${provider.name}-api`;
    provider.providesApi = name;
    apis.push({
      name,
      team: provider.team,
      system: provider.system,
      provider: provider.name,
    });
  }
  // Each component consumes one or two APIs of other components.
  for (const component of components) {
    const n = rnd.int(0, 2);
    for (let i = 0; i < n; i++) {
      const api = rnd.pick(apis);
      if (
        api.provider !== component.name &&
        !component.consumesApis.includes(api.name)
      ) {
        component.consumesApis.push(api.name);
      }
    }
  }
  return {
    scale,
    seed,
    organisation,
    departments,
    teams,
    users,
    systems,
    components,
    apis,
  };
}

/** @param {Group} group */
function groupEntity(group) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: group.name,
      description: `${group.title}: ${
        group.type === 'organization'
          ? 'the whole organisation'
          : group.type === 'department'
          ? 'a department'
          : 'a product team'
      }.`,
    },
    spec: {
      type: group.type,
      profile: {
        displayName: group.title,
        email: `${group.name}@globex.example`,
      },
      ...(group.parent ? { parent: group.parent } : {}),
      children: group.children,
    },
  };
}

/** @param {User} user */
function userEntity(user) {
  const [first, rest] = user.name.split('.');
  const last = rest.replace(/-\d+$/, '');
  const cap = (/** @type {string} */ s) => `${s[0].toUpperCase()}${s.slice(1)}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: user.name },
    spec: {
      profile: {
        displayName: `${cap(first)} ${cap(last)}`,
        email: `${user.name}@globex.example`,
      },
      memberOf: [user.team],
    },
  };
}

/** @param {System} system */
function systemEntity(system) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: system.name,
      description: `A system of the ${system.department} department.`,
    },
    spec: { owner: system.team },
  };
}

/** @param {Component} component */
function componentEntity(component) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: component.name,
      description: `${component.name}, run by ${component.team}.`,
      // The catalog annotation contract (../shared/ARCHITECTURE.md).
      annotations: {
        'github.com/project-slug': `globex/${component.name}`,
        'paved.dev/dora-service': component.name,
        'backstage.io/kubernetes-id': component.name,
        'backstage.io/kubernetes-namespace': component.namespace,
        'paved.dev/cost-allocation': `app=${component.name}`,
        'backstage.io/techdocs-ref': 'dir:.',
        'prometheus.io/request-rate-query': `sum(rate(http_server_request_duration_seconds_count{service="${component.name}"}[5m]))`,
      },
      tags: [component.language, ...(component.profile.busy ? ['busy'] : [])],
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: component.team,
      system: component.system,
      ...(component.providesApi
        ? { providesApis: [component.providesApi] }
        : {}),
      ...(component.consumesApis.length
        ? { consumesApis: component.consumesApis }
        : {}),
    },
  };
}

/** @param {Api} api */
function apiEntity(api) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: api.name, description: `The API of ${api.provider}.` },
    spec: {
      type: 'openapi',
      lifecycle: 'production',
      owner: api.team,
      system: api.system,
      definition: [
        'openapi: 3.0.3',
        'info:',
        `  title: ${api.name}`,
        '  version: 1.0.0',
        'paths: {}',
      ].join('\n'),
    },
  };
}

/** @param {object[]} entities */
const yamlDocuments = entities =>
  entities.map(e => `---\n${JSON.stringify(e)}\n`).join('');

/**
 * A catalog file to register as a `file` location, with the kinds it may
 * hold (the location's rules).
 * @typedef {{ target: string, allow: string[] }} CatalogLocation
 */

/**
 * Writes the organisation where a company keeps it: one
 * `repos/<component>/catalog-info.yaml` per component repository (the
 * component and the API it provides), each its own location as GitHub
 * discovery registers them, and one `org/<department>.yaml` per department
 * (its groups, users and systems) plus `org/<organisation>.yaml`, as an
 * organisation sync would. Small files matter: the catalog re-reads each
 * location every few minutes and parses it in one go, and a file of 500
 * components kept the backend's one thread busy ~100 ms per read (the
 * layout of the first runs below).
 * @param {Organisation} org
 * @param {string} dir
 * @returns {CatalogLocation[]}
 */
export function writeCatalog(org, dir) {
  /** @type {CatalogLocation[]} */
  const locations = [];
  /** @param {string} file @param {object[]} entities @param {string[]} allow */
  const write = (file, entities, allow) => {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, yamlDocuments(entities));
    locations.push({ target, allow });
  };
  const orgKinds = ['Group', 'User', 'System'];
  write(
    `org/${org.organisation.name}.yaml`,
    [groupEntity(org.organisation)],
    orgKinds,
  );
  for (const department of org.departments) {
    const of = (/** @type {{ department?: string }} */ e) =>
      e.department === department.name;
    write(
      `org/${department.name}.yaml`,
      [
        groupEntity(department),
        ...org.teams.filter(of).map(groupEntity),
        ...org.users.filter(of).map(userEntity),
        ...org.systems.filter(of).map(systemEntity),
      ],
      orgKinds,
    );
  }
  const apiOf = new Map(org.apis.map(api => [api.provider, api]));
  for (const component of org.components) {
    const api = apiOf.get(component.name);
    write(
      `repos/${component.name}/catalog-info.yaml`,
      [componentEntity(component), ...(api ? [apiEntity(api)] : [])],
      ['Component', 'API'],
    );
  }
  return locations;
}

/** How many entities of each kind the catalog will hold for `org`. */
/** @param {Organisation} org */
export function expectedEntities(org) {
  return {
    group: 1 + org.departments.length + org.teams.length,
    user: org.users.length,
    system: org.systems.length,
    component: org.components.length,
    api: org.apis.length,
  };
}

/**
 * One request body a CI pipeline posts to /api/dora/events.
 * @typedef {{ day: number, team: string, events: object[] }} DeliveryBatch
 */

/**
 * A year (or `days`) of delivery history, in the order CI sends it: day by
 * day, one batch per team and day holding what that team's pipelines
 * shipped that day (each deployment with the commits it delivered, and the
 * incidents opened or resolved that day; an incident resolved on a later
 * day is sent again then, with its resolvedAt). A batch holds at most
 * `maxBatch` events; a team's busier days are split.
 * @param {Organisation} org
 * @param {{ end: number, days?: number, seed?: number, maxBatch?: number }} options
 * @returns {Generator<DeliveryBatch>}
 */
export function* deliveryHistory(org, options) {
  const days = options.days ?? 365;
  const maxBatch = options.maxBatch ?? 1000;
  const start = options.end - days * DAY;
  const rnd = random((options.seed ?? org.seed) * 7919 + 1);
  /** @type {Map<string, { component: Component, index: number }[]>} */
  const byTeam = new Map();
  org.components.forEach((component, index) => {
    const list = byTeam.get(component.team) ?? [];
    list.push({ component, index });
    byTeam.set(component.team, list);
  });
  /** Incidents resolved on a later day: sent again then. */
  /** @type {Map<number, Map<string, object[]>>} */
  const resolvedLater = new Map();
  const seq = new Map();
  for (let day = 0; day < days; day++) {
    const dayStart = start + day * DAY;
    for (const team of org.teams) {
      /** @type {object[]} */
      const events = [...(resolvedLater.get(day)?.get(team.name) ?? [])];
      for (const { component, index } of byTeam.get(team.name) ?? []) {
        const p = component.profile;
        // Deployments on working days mostly; a Poisson-ish count.
        const weekday = new Date(dayStart).getUTCDay();
        const weekend = weekday === 0 || weekday === 6;
        const rate = p.deploymentsPerDay * (weekend ? 0.2 : 1.3);
        let n = Math.floor(rate);
        if (rnd.next() < rate - n) n += 1;
        for (let k = 0; k < n; k++) {
          const d = (seq.get(component.name) ?? 0) + 1;
          seq.set(component.name, d);
          const started =
            dayStart + (8 + rnd.next() * 10) * 3_600_000 + k * 600_000;
          const finished = started + (3 + rnd.next() * 12) * 60_000;
          const changes = rnd.int(...p.changesPerDeployment);
          const shas = [];
          for (let c = 0; c < changes; c++) {
            const sha = `${index.toString(16).padStart(5, '0')}${d
              .toString(16)
              .padStart(5, '0')}${c.toString(16).padStart(2, '0')}`;
            shas.push(sha);
            events.push({
              type: 'change',
              id: `${component.name}/${sha}`,
              service: component.name,
              sha,
              authoredAt: new Date(
                started - (1 + rnd.next() * 47) * 3_600_000,
              ).toISOString(),
              prNumber: d * 4 + c,
              ...(rnd.next() < 0.03 ? { labels: ['hotfix'] } : {}),
            });
          }
          const deploymentId = `${component.name}/${d}/production`;
          const failed = rnd.next() < p.failureRate;
          events.push({
            type: 'deployment',
            id: deploymentId,
            service: component.name,
            environment: 'production',
            status: failed ? 'failure' : 'success',
            startedAt: new Date(started).toISOString(),
            finishedAt: new Date(finished).toISOString(),
            commitSha: shas[shas.length - 1],
            commits: shas,
          });
          if (!failed && rnd.next() < p.incidentRate) {
            const openedAt = finished + (5 + rnd.next() * 120) * 60_000;
            const resolvedAt = openedAt + (0.3 + rnd.next() * 30) * 3_600_000;
            const incident = {
              type: 'incident',
              id: `${component.name}/incident/${d}`,
              service: component.name,
              environment: 'production',
              openedAt: new Date(openedAt).toISOString(),
              causedByDeploymentId: deploymentId,
            };
            const resolveDay = Math.floor((resolvedAt - start) / DAY);
            if (resolveDay <= day) {
              events.push({
                ...incident,
                resolvedAt: new Date(resolvedAt).toISOString(),
              });
            } else {
              events.push(incident);
              if (resolveDay < days) {
                const perTeam = resolvedLater.get(resolveDay) ?? new Map();
                const list = perTeam.get(team.name) ?? [];
                list.push({
                  ...incident,
                  resolvedAt: new Date(resolvedAt).toISOString(),
                });
                perTeam.set(team.name, list);
                resolvedLater.set(resolveDay, perTeam);
              }
            }
          }
        }
      }
      // A deployment travels with its changes: a batch ends after a
      // deployment, never between it and the commits it delivered.
      for (let i = 0; i < events.length; ) {
        let j = Math.min(events.length, i + maxBatch);
        if (j < events.length) {
          while (
            j > i + 1 &&
            /** @type {{ type: string }} */ (events[j - 1]).type !==
              'deployment'
          ) {
            j--;
          }
        }
        yield { day, team: team.name, events: events.slice(i, j) };
        i = j;
      }
    }
    resolvedLater.delete(day);
  }
}

/**
 * The same history as a backfill sends it: one team's batches of a day
 * merged with the other teams' of its department, up to `maxBatch` events
 * (whole batches only, so a deployment and its commits stay together).
 *
 * @param {Organisation} org
 * @param {Iterable<{ day: number, team: string, events: object[] }>} batches
 * @param {number} [maxBatch]
 */
export function* byDepartment(org, batches, maxBatch = 1000) {
  const departmentOf = new Map(org.teams.map(t => [t.name, t.department]));
  /** The day's open batch of each department. */
  /** @type {Map<string, { day: number, team: string, events: object[] }>} */
  let open = new Map();
  let openDay = -1;
  for (const batch of batches) {
    if (batch.day !== openDay) {
      yield* open.values();
      open = new Map();
      openDay = batch.day;
    }
    const department = departmentOf.get(batch.team) ?? batch.team;
    const merged = open.get(department);
    if (merged && merged.events.length + batch.events.length <= maxBatch) {
      merged.events.push(...batch.events);
      continue;
    }
    if (merged) yield merged;
    open.set(department, {
      day: batch.day,
      team: department,
      events: [...batch.events],
    });
  }
  yield* open.values();
}

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      scale: { type: 'string', default: '1' },
      seed: { type: 'string', default: '17' },
      history: { type: 'boolean', default: false },
    },
  });
  if (!values.out) {
    console.error(
      'usage: node e2e-tests/scale/generate.mjs --out DIR [--scale F] [--seed N] [--history]',
    );
    process.exit(2);
  }
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  if (!(scale > 0) || !Number.isInteger(seed)) {
    console.error('--scale must be a positive number and --seed an integer');
    process.exit(2);
  }
  const org = generateOrganisation({ scale, seed });
  const locations = writeCatalog(org, values.out);
  console.log(
    `${values.out}: ${locations.length} catalog files, ${JSON.stringify(
      expectedEntities(org),
    )}`,
  );
  if (values.history) {
    // Counts the year of history (it is not written: bench.mjs sends it).
    const totals = {
      batches: 0,
      events: 0,
      deployment: 0,
      change: 0,
      incident: 0,
    };
    for (const batch of deliveryHistory(org, { end: Date.now() })) {
      totals.batches += 1;
      totals.events += batch.events.length;
      for (const e of batch.events) {
        const type = /** @type {'deployment' | 'change' | 'incident'} */ (
          /** @type {{ type: string }} */ (e).type
        );
        totals[type] += 1;
      }
    }
    console.log(`a year of delivery history: ${JSON.stringify(totals)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
