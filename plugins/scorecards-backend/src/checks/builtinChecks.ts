import {
  type Entity,
  RELATION_PROVIDES_API,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type {
  CheckVerdict,
  ScorecardCheck,
  ScorecardFacts,
} from '@paved/plugin-scorecards-node';

/** The annotations the checks read (the catalog annotation contract). */
const TECHDOCS_REF = 'backstage.io/techdocs-ref';
const TECHDOCS_ENTITY = 'backstage.io/techdocs-entity';
const COST_BUDGET = 'paved.dev/cost-budget';
const COST_ALLOCATION = 'paved.dev/cost-allocation';
const SOURCE_TEMPLATE = 'backstage.io/source-template';
const TEMPLATE_VERSION = 'paved.dev/template-version';

const pass = (evidence: string): CheckVerdict => ({
  outcome: 'pass',
  evidence,
});
const fail = (evidence: string): CheckVerdict => ({
  outcome: 'fail',
  evidence,
});
const notApplicable = (evidence: string): CheckVerdict => ({
  outcome: 'not-applicable',
  evidence,
});

/** A ref the entity writes in its spec, in full (`team-a` → `group:default/team-a`). */
function fullRef(
  entity: Entity,
  value: unknown,
  defaultKind: string,
): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind,
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** `1.4.2` → [1, 4, 2]; undefined for a version that is not dotted numbers. */
export function versionParts(version: string): number[] | undefined {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  return parts.every(n => Number.isInteger(n) && n >= 0) ? parts : undefined;
}

/**
 * How far `version` is behind `current`: `major` when the major differs,
 * otherwise the number of minor versions between them (0 when level or
 * only patches apart); undefined when either is not a dotted version.
 */
export function versionsBehind(
  version: string,
  current: string,
): number | 'major' | undefined {
  const a = versionParts(version);
  const b = versionParts(current);
  if (!a || !b) return undefined;
  if ((a[0] ?? 0) < (b[0] ?? 0)) return 'major';
  if ((a[0] ?? 0) > (b[0] ?? 0)) return 0;
  return Math.max(0, (b[1] ?? 0) - (a[1] ?? 0));
}

const hasOwner: ScorecardCheck = {
  id: 'has-owner',
  title: 'Has an owner that exists',
  description: 'spec.owner names a group or user that is in the catalog.',
  rationale:
    'Someone must answer for the service: incidents, reviews and cost are routed to its owner.',
  fix: 'Set spec.owner in catalog-info.yaml to your team, e.g. group:default/checkout.',
  evaluate(entity, facts) {
    const owner = fullRef(entity, entity.spec?.owner, 'group');
    if (!owner) return fail('spec.owner is not set.');
    return facts.hasEntity(owner)
      ? pass(`Owned by ${owner}.`)
      : fail(`spec.owner names ${owner}, which is not in the catalog.`);
  },
};

const hasSystem: ScorecardCheck = {
  id: 'has-system',
  title: 'Belongs to a system',
  description: 'spec.system names a system that is in the catalog.',
  rationale:
    'Systems group the services that ship a product together, so dependencies, docs and cost roll up.',
  fix: 'Set spec.system in catalog-info.yaml to the system the service is part of.',
  evaluate(entity, facts) {
    const system = fullRef(entity, entity.spec?.system, 'system');
    if (!system) return fail('spec.system is not set.');
    return facts.hasEntity(system)
      ? pass(`Part of ${system}.`)
      : fail(`spec.system names ${system}, which is not in the catalog.`);
  },
};

const hasTechDocs: ScorecardCheck = {
  id: 'has-techdocs',
  title: 'Has TechDocs',
  description: `The ${TECHDOCS_REF} annotation points at the service's docs.`,
  rationale:
    'Docs next to the code are how a new teammate, an on-call engineer or an assistant learns the service.',
  fix: `Add docs/index.md and mkdocs.yml to the repository and the annotation ${TECHDOCS_REF}: dir:. to catalog-info.yaml.`,
  evaluate(entity) {
    const ref = entity.metadata.annotations?.[TECHDOCS_REF];
    return ref
      ? pass(`Docs from ${ref} (the techdocs-ref annotation).`)
      : fail(`No ${TECHDOCS_REF} annotation.`);
  },
};

const providedApisRegistered: ScorecardCheck = {
  id: 'apis-registered',
  title: 'Provided APIs are registered',
  description:
    'Every API the component lists in spec.providesApis is an API entity in the catalog.',
  rationale:
    'Consumers find, read and depend on APIs through the catalog; an unregistered API is invisible to them.',
  fix: 'Register each API as an API entity (kind: API) with its definition, or remove it from spec.providesApis.',
  evaluate(entity, facts) {
    const listed = Array.isArray(entity.spec?.providesApis)
      ? (entity.spec!.providesApis as unknown[])
      : [];
    const refs = new Set([
      ...listed.flatMap(api => fullRef(entity, api, 'api') ?? []),
      ...(entity.relations ?? [])
        .filter(r => r.type === RELATION_PROVIDES_API)
        .map(r => r.targetRef),
    ]);
    if (refs.size === 0) return notApplicable('Provides no APIs.');
    const missing = [...refs].filter(ref => !facts.hasEntity(ref));
    return missing.length === 0
      ? pass(`${refs.size} API${refs.size === 1 ? '' : 's'} registered.`)
      : fail(`Not in the catalog: ${missing.sort().join(', ')}.`);
  },
};

/** The golden-path check, allowing `minorVersionsBehind` minor versions. */
function onCurrentGoldenPath(minorVersionsBehind: number): ScorecardCheck {
  return {
    id: 'golden-path-current',
    title: 'On a golden path, at its current version',
    description: `Created from a golden-path template (${SOURCE_TEMPLATE}) and on its current version (${TEMPLATE_VERSION}), at most ${minorVersionsBehind} minor version${
      minorVersionsBehind === 1 ? '' : 's'
    } behind.`,
    rationale:
      'Golden paths carry the platform’s CI, telemetry, secrets and manifests; staying current keeps those fixes and upgrades.',
    fix: 'Run the upgrade template from the Golden paths page (it opens a pull request), or create the service again from a golden path.',
    evaluate(entity, facts) {
      const annotations = entity.metadata.annotations ?? {};
      const template = fullRef(
        entity,
        annotations[SOURCE_TEMPLATE],
        'template',
      );
      if (!template) return fail('Not created from a golden-path template.');
      const current = facts.templateVersion(template);
      const version = annotations[TEMPLATE_VERSION];
      if (!current) {
        return notApplicable(
          `Its template ${template} declares no version (or is no longer in the catalog).`,
        );
      }
      if (!version) {
        return fail(
          `Created from ${template}, but records no ${TEMPLATE_VERSION}; the template is at ${current}.`,
        );
      }
      const behind = versionsBehind(version, current);
      if (behind === undefined) {
        return version === current
          ? pass(`On ${template} ${current}.`)
          : fail(`On ${template} ${version}; the template is at ${current}.`);
      }
      if (behind === 'major') {
        return fail(
          `On ${template} ${version}, a major version behind ${current}.`,
        );
      }
      return behind <= minorVersionsBehind
        ? pass(
            behind === 0
              ? `On ${template} ${version} (current: ${current}).`
              : `On ${template} ${version}, ${behind} minor behind ${current} (allowed: ${minorVersionsBehind}).`,
          )
        : fail(
            `On ${template} ${version}, ${behind} minor versions behind ${current} (allowed: ${minorVersionsBehind}).`,
          );
    },
  };
}

/** Whether a component is meant to deploy: not experimental, not deprecated. */
function deploys(entity: Entity): boolean {
  const lifecycle = String(entity.spec?.lifecycle ?? '').toLowerCase();
  return lifecycle !== 'experimental' && lifecycle !== 'deprecated';
}

const deploymentsReported: ScorecardCheck = {
  id: 'deployments-reported',
  title: 'Reports its deployments',
  description:
    'At least one production deployment reported to DORA in the last 30 days.',
  rationale:
    'Delivery metrics, change fail rate and recovery time exist only for services whose pipelines report deployments.',
  fix: 'Post deployments from the CI pipeline (the golden paths’ workflow does), see the README’s DORA event API.',
  evaluate(entity, facts: ScorecardFacts) {
    if (!deploys(entity)) {
      return notApplicable(
        `Lifecycle ${entity.spec?.lifecycle}: not expected to deploy.`,
      );
    }
    const delivery = facts.delivery(stringifyEntityRef(entity));
    if (!delivery) return notApplicable('DORA metrics could not be read.');
    return delivery.deployments > 0
      ? pass(`${delivery.deployments} production deployments in 30 days.`)
      : fail('No production deployment reported in the last 30 days.');
  },
};

const changeFailRateHealthy: ScorecardCheck = {
  id: 'change-fail-rate',
  title: 'Change fail rate in the elite or high band',
  description:
    'Over the last 30 days, the share of production deployments that failed is in DORA’s elite or high band.',
  rationale:
    'Speed that breaks production is not delivery: failed changes cost recovery time and trust.',
  fix: 'Open the Delivery tab’s failed deployments: smaller changes, tests in CI and progressive rollouts lower the rate.',
  evaluate(entity, facts) {
    const delivery = facts.delivery(stringifyEntityRef(entity));
    if (!delivery) return notApplicable('DORA metrics could not be read.');
    if (
      delivery.changeFailRateBand === null ||
      delivery.changeFailRate === null
    ) {
      return notApplicable('No production deployments in 30 days.');
    }
    const percent = `${Math.round(delivery.changeFailRate * 1000) / 10} %`;
    return delivery.changeFailRateBand === 'elite' ||
      delivery.changeFailRateBand === 'high'
      ? pass(
          `${percent} of deployments failed (${delivery.changeFailRateBand}).`,
        )
      : fail(
          `${percent} of deployments failed (${delivery.changeFailRateBand}).`,
        );
  },
};

/**
 * The entity whose TechDocs a component shows: another entity's when
 * `backstage.io/techdocs-entity` names one, its own with a techdocs-ref.
 */
export function docsEntityRef(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  if (annotations[TECHDOCS_ENTITY]) {
    return fullRef(entity, annotations[TECHDOCS_ENTITY], 'component');
  }
  return annotations[TECHDOCS_REF] ? stringifyEntityRef(entity) : undefined;
}

const techDocsBuild: ScorecardCheck = {
  id: 'techdocs-build',
  title: 'TechDocs build and are published',
  description:
    'The docs the service points at build, and their site is in the TechDocs storage.',
  rationale:
    'Docs that do not build are docs nobody reads: the Docs tab stays empty and search does not find them.',
  fix: 'Run mkdocs build --strict in the repository and fix what it reports; the golden paths’ workflow builds and publishes the docs on every push to main.',
  evaluate(entity, facts) {
    const ref = docsEntityRef(entity);
    if (!ref) return notApplicable('Has no TechDocs to build.');
    const docs = facts.docs(ref);
    if (!docs) return notApplicable('The TechDocs storage could not be read.');
    const whose =
      ref === stringifyEntityRef(entity) ? '' : ` (the docs of ${ref})`;
    if (docs.builtAt) {
      return pass(
        `Built and published on ${docs.builtAt
          .toISOString()
          .slice(0, 10)}${whose}.`,
      );
    }
    return docs.builtOnFirstView
      ? notApplicable(
          `Not built yet${whose}: the portal builds them when they are first opened.`,
        )
      : fail(
          `No published site${whose}: the docs did not build, or the pipeline does not publish them.`,
        );
  },
};

/** The most failures a verdict names; the rest are counted. */
const NAMED_FAILURES = 3;

const liveChecksPass: ScorecardCheck = {
  id: 'live-checks',
  title: 'Running workloads pass the live checks',
  description:
    'Every workload the component runs in production passes the live checks: resources, probes, non-root, pinned image, replicas and disruption budget.',
  rationale:
    'These settings keep a service up through node drains, bad deploys and noisy neighbours; a template that set them counts only if what runs still has them.',
  fix: 'Open the Kubernetes tab: each failing check names the container and what to set in the manifest.',
  evaluate(entity, facts) {
    const live = facts.liveWorkloads(stringifyEntityRef(entity));
    if (!live) return notApplicable('Kubernetes status could not be read.');
    if (live.workloads.length === 0) {
      return notApplicable(
        live.unsyncedClusters.length > 0
          ? `No workload found in production; not synced yet: ${live.unsyncedClusters.join(
              ', ',
            )}.`
          : 'Runs no workload in production.',
      );
    }
    const failing = live.workloads.flatMap(({ workload, failing: checks }) =>
      checks.map(check => `${workload}: ${check.title} (${check.detail})`),
    );
    const count = live.workloads.length;
    const workloads = `${count} workload${count === 1 ? '' : 's'}`;
    if (failing.length === 0) {
      return pass(`${workloads} in production pass every live check.`);
    }
    const more = failing.length - NAMED_FAILURES;
    return fail(
      `${failing.length} failing in ${workloads}: ${failing
        .slice(0, NAMED_FAILURES)
        .join('; ')}${more > 0 ? `; and ${more} more` : ''}.`,
    );
  },
};

/** An amount in its currency, whole units (`€2,500`). */
function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      maximumFractionDigits: 0,
    }).format(amount);
  } catch {
    // A currency code Intl does not know.
    return `${Math.round(amount)} ${currency}`;
  }
}

const costWithBudget: ScorecardCheck = {
  id: 'cost-budget',
  title: 'Cost allocated, with a budget',
  description:
    'Cost was allocated to the component over the last 30 days (Kubernetes or cloud billing), and it has a monthly budget.',
  rationale:
    'A team steers only what it sees: cost per workload against a budget makes a runaway bill a signal, not a surprise.',
  fix: `Label its workloads or tag its cloud resources to match ${COST_ALLOCATION} (default app=<kubernetes-id>), and set ${COST_BUDGET} to a monthly amount in catalog-info.yaml.`,
  evaluate(entity, facts) {
    if (!deploys(entity) || entity.spec?.type === 'library') {
      return notApplicable(
        'Runs nothing that costs: a library, or not deployed.',
      );
    }
    const cost = facts.cost(stringifyEntityRef(entity));
    if (!cost) {
      return notApplicable(
        'No cost to go by: cost could not be read, or no source has reported any for the last 30 days.',
      );
    }
    const budget =
      cost.monthlyBudget === undefined
        ? undefined
        : `${money(cost.monthlyBudget, cost.currency)} a month`;
    if (cost.total <= 0) {
      return fail(
        budget
          ? `No cost allocated to it in 30 days (budget ${budget}).`
          : 'No cost allocated to it in 30 days, and no budget.',
      );
    }
    const spent = `${money(cost.total, cost.currency)} in 30 days`;
    return budget
      ? pass(`${spent}; budget ${budget}.`)
      : fail(`${spent}, but no budget is set (${COST_BUDGET}).`);
  },
};

/** Paved's own checks, with the configured golden-path tolerance. */
export function builtinChecks(options: {
  minorVersionsBehind: number;
}): ScorecardCheck[] {
  return [
    hasOwner,
    hasSystem,
    hasTechDocs,
    techDocsBuild,
    providedApisRegistered,
    onCurrentGoldenPath(options.minorVersionsBehind),
    deploymentsReported,
    changeFailRateHealthy,
    liveChecksPass,
    costWithBudget,
  ];
}
