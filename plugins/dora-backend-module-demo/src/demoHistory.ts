/**
 * Plausible delivery history for the Fernhill demo organisation, generated
 * deterministically (seeded per service) so every restart produces the same
 * event ids and contents for the same day: ingesting it again changes nothing.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * How a service ships; `improving` struggles until its last ten weeks, then
 * ships more often, faster and more safely, recovering sooner (a team
 * improving on every number); `speeding` ships steadily until its last ten
 * weeks, then faster and faster while failing more and more (the speed that
 * hides instability the Outcomes view warns about).
 */
type Profile = {
  deploysPerDay: number;
  leadTimeHours: [number, number];
  failureRate: number;
  recoveryHours: [number, number];
  hotfixShare: number;
};

const elite: Profile = {
  deploysPerDay: 3,
  leadTimeHours: [1, 10],
  failureRate: 0.04,
  recoveryHours: [0.2, 1],
  hotfixShare: 0.03,
};
const steady: Profile = {
  deploysPerDay: 0.8,
  leadTimeHours: [12, 72],
  failureRate: 0.1,
  recoveryHours: [1, 8],
  hotfixShare: 0.06,
};
const struggling: Profile = {
  deploysPerDay: 0.15,
  leadTimeHours: [96, 480],
  failureRate: 0.3,
  recoveryHours: [12, 96],
  hotfixShare: 0.2,
};

/** Where a speeding service ends up: fast, and failing every other time. */
const reckless: Profile = {
  deploysPerDay: 2.5,
  leadTimeHours: [2, 12],
  failureRate: 0.5,
  recoveryHours: [1, 10],
  hotfixShare: 0.18,
};

type Trajectory = Profile | 'improving' | 'speeding';

/**
 * Which demo components ship how: one elite team, one struggling, one
 * improving, and one (fulfilment) whose speed hides rising failures.
 */
export const demoServices: Record<string, Trajectory> = {
  'checkout-service': elite,
  'orders-service': elite,
  'voucher-service': struggling,
  'payments-gateway': 'improving',
  'fraud-scoring': 'improving',
  'delivery-routing': struggling,
  'driver-app-bff': struggling,
  'inventory-service': 'speeding',
  'product-catalog-service': steady,
  'search-service': steady,
  'storefront-web': elite,
  'order-events-ingestor': steady,
  'alert-router': steady,
};

/**
 * Teams that took up AI assistants in the last twelve weeks of the 26: a
 * growing share of their changes is AI-assisted, and those changes ship
 * faster and land more often in deployments that fail — so the Delivery
 * page's AI split has something to say.
 */
const aiAdopters = new Set([
  'checkout-service',
  'orders-service',
  'storefront-web',
  'inventory-service',
  'payments-gateway',
]);

/**
 * Whether a change is AI-assisted: drawn from its own sha, never from the
 * service's random sequence, so marking changes moves no timestamp and no
 * failure — every other number of the demo stays what it was. Quick
 * changes and changes in failing deployments are more likely marked.
 */
function aiAssisted(
  service: string,
  progress: number,
  change: string,
  quick: boolean,
  failed: boolean,
): boolean {
  if (!aiAdopters.has(service)) return false;
  const share = 0.6 * Math.max(0, (progress - 14 / 26) / (12 / 26));
  const likelihood = share * (quick ? 1.3 : 0.7) * (failed ? 1.6 : 0.85);
  return parseInt(change.slice(0, 8), 16) / 2 ** 32 < likelihood;
}

/** Events for a service no catalog entity names, to show as unattributed. */
export const unknownDemoService = 'legacy-billing';

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string) {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

/** Where an improving service ends up: frequent, fast, and safe. */
const improved: Profile = {
  deploysPerDay: 1.8,
  leadTimeHours: [2, 16],
  failureRate: 0.04,
  recoveryHours: [0.2, 2],
  hotfixShare: 0.04,
};

/** The profile `t` (0..1) of the way from `from` to `to`. */
function between(from: Profile, to: Profile, t: number): Profile {
  return {
    deploysPerDay: lerp(from.deploysPerDay, to.deploysPerDay, t),
    leadTimeHours: [
      lerp(from.leadTimeHours[0], to.leadTimeHours[0], t),
      lerp(from.leadTimeHours[1], to.leadTimeHours[1], t),
    ],
    failureRate: lerp(from.failureRate, to.failureRate, t),
    recoveryHours: [
      lerp(from.recoveryHours[0], to.recoveryHours[0], t),
      lerp(from.recoveryHours[1], to.recoveryHours[1], t),
    ],
    hotfixShare: lerp(from.hotfixShare, to.hotfixShare, t),
  };
}

function profileAt(profile: Trajectory, progress: number): Profile {
  if (typeof profile !== 'string') return profile;
  // The last ten weeks of 26 move from where the service was to where it
  // ends up, so the Outcomes view compares two clearly different windows.
  const t = Math.max(0, (progress - 16 / 26) / (10 / 26));
  return profile === 'speeding'
    ? between(steady, reckless, t)
    : between(struggling, improved, t);
}

const sha = (random: () => number) =>
  Array.from({ length: 40 }, () => Math.floor(random() * 16).toString(16)).join(
    '',
  );

/**
 * About `days` of history up to `until` (exclusive) for every demo service,
 * ordered by time.
 */
export function demoHistory(until: Date, days = 182): unknown[] {
  const end = Date.UTC(
    until.getUTCFullYear(),
    until.getUTCMonth(),
    until.getUTCDate(),
  );
  const begin = end - days * DAY;
  const events: Array<{ at: number; event: Record<string, unknown> }> = [];
  const services: Array<[string, Trajectory]> = [
    ...Object.entries(demoServices),
    [unknownDemoService, steady],
  ];

  for (const [service, kind] of services) {
    const random = mulberry32(seedOf(`${service}:${end}`));
    let n = 0;
    let pendingRollback = false;
    // Failures come at the profile's rate, spread out rather than drawn
    // one by one: a window's change fail rate is the trajectory's, not
    // the luck of a few draws.
    let failureDue = random();
    for (let day = begin; day < end; day += DAY) {
      const profile = profileAt(kind, (day - begin) / (end - begin));
      // Teams ship more on weekdays than at weekends, and no two days alike;
      // on average `deploysPerDay`.
      const weekday = new Date(day).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      let count = 0;
      let budget =
        profile.deploysPerDay * (weekend ? 0.25 : 1.3) * (0.6 + 0.8 * random());
      while (random() < budget) {
        count++;
        budget -= 1;
      }
      for (let i = 0; i < count; i++) {
        n++;
        const id = `demo-${service}-${n}`;
        const finishedAt = day + 8 * HOUR + random() * 10 * HOUR;
        const rollback = pendingRollback;
        pendingRollback = false;
        const changes = rollback ? 0 : 1 + Math.floor(random() * 4);
        const shas: string[] = [];
        const changeEvents: Array<{
          sha: string;
          quick: boolean;
          labels: string[];
        }> = [];
        for (let c = 0; c < changes; c++) {
          const change = sha(random);
          shas.push(change);
          const position = random();
          const lead =
            lerp(profile.leadTimeHours[0], profile.leadTimeHours[1], position) *
            HOUR;
          const labels: string[] =
            random() < profile.hotfixShare ? ['hotfix'] : [];
          changeEvents.push({ sha: change, quick: position < 0.5, labels });
          events.push({
            at: finishedAt - lead,
            event: {
              type: 'change',
              id: `demo-change-${change}`,
              service,
              sha: change,
              authoredAt: new Date(finishedAt - lead).toISOString(),
              prNumber: 1000 + n * 5 + c,
              labels,
            },
          });
        }
        const commitSha = shas[shas.length - 1] ?? sha(random);
        events.push({
          at: finishedAt,
          event: {
            type: 'deployment',
            id,
            service,
            environment: 'production',
            status: 'success',
            startedAt: new Date(
              finishedAt - (5 + random() * 20) * 60_000,
            ).toISOString(),
            finishedAt: new Date(finishedAt).toISOString(),
            commitSha,
            commits: shas,
            rollback,
            unplanned: !rollback && random() < profile.hotfixShare / 2,
          },
        });

        if (!rollback) failureDue += profile.failureRate;
        const fails = !rollback && failureDue >= 1;
        const progress = (day - begin) / (end - begin);
        for (const change of changeEvents) {
          if (aiAssisted(service, progress, change.sha, change.quick, fails)) {
            change.labels.push('ai-assisted');
          }
        }
        if (fails) {
          failureDue -= 1;
          const openedAt = finishedAt + (0.2 + random() * 6) * HOUR;
          // Recovery times spread over orders of magnitude: drawn on a log
          // scale around the middle of the profile's range, so the few
          // failures of a window have a median that follows the profile.
          const recovery =
            Math.exp(
              lerp(
                Math.log(profile.recoveryHours[0]),
                Math.log(profile.recoveryHours[1]),
                0.25 + 0.5 * random(),
              ),
            ) * HOUR;
          const cause = random();
          if (cause < 0.2) {
            // Recovered by rolling back: the next deployment is a rollback.
            pendingRollback = true;
            continue;
          }
          events.push({
            at: openedAt,
            event: {
              type: 'incident',
              id: `demo-incident-${service}-${n}`,
              service,
              environment: 'production',
              openedAt: new Date(openedAt).toISOString(),
              ...(openedAt + recovery < end
                ? { resolvedAt: new Date(openedAt + recovery).toISOString() }
                : {}),
              ...(cause < 0.55 ? { causedByDeploymentId: id } : {}),
              ...(cause >= 0.55 && cause < 0.75 && shas.length
                ? { causedBySha: shas[0] }
                : {}),
              // The rest name no cause: attributed to the latest deployment.
            },
          });
        }
      }
    }
  }
  return events.sort((a, b) => a.at - b.at).map(e => e.event);
}
