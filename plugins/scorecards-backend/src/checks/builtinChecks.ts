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
function versionParts(version: string): number[] | undefined {
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

/** Paved's own checks, with the configured golden-path tolerance. */
export function builtinChecks(options: {
  minorVersionsBehind: number;
}): ScorecardCheck[] {
  return [
    hasOwner,
    hasSystem,
    hasTechDocs,
    providedApisRegistered,
    onCurrentGoldenPath(options.minorVersionsBehind),
    deploymentsReported,
    changeFailRateHealthy,
  ];
}
