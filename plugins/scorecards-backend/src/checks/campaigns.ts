import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CampaignTarget, StoredCampaign } from '../database/CampaignStore';
import type { StoredCheck } from '../database/ScorecardStore';
import { versionParts } from './builtinChecks';

const SOURCE_TEMPLATE = 'backstage.io/source-template';
const TEMPLATE_VERSION = 'paved.dev/template-version';
/** What a template-upgrade campaign asks, among its checks. */
export const TEMPLATE_VERSION_ITEM = 'template-version';

const lower = (value: unknown) =>
  typeof value === 'string' ? value.toLocaleLowerCase('en-US') : undefined;

const related = (entity: Entity, type: string) =>
  (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef.toLocaleLowerCase('en-US'));

/** The template a component was created from, as a full lower-case ref. */
export function templateOf(entity: Entity): string | undefined {
  const value = entity.metadata.annotations?.[SOURCE_TEMPLATE];
  if (!value) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'template',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/**
 * Whether a campaign targets a component: every list given must name one
 * of its values (owners and systems by full ref, through the catalog's
 * relations); no list means any component.
 */
export function isTargeted(entity: Entity, target: CampaignTarget): boolean {
  const within = (values: string[] | undefined, actual: string[]) =>
    !values?.length ||
    values.some(v => actual.includes(v.toLocaleLowerCase('en-US')));
  const spec = entity.spec ?? {};
  const template = templateOf(entity);
  return (
    (!target.template || template === target.template) &&
    within(target.owners, related(entity, 'ownedBy')) &&
    within(target.systems, related(entity, 'partOf')) &&
    within(target.types, [lower(spec.type)].filter(Boolean) as string[]) &&
    within(
      target.lifecycles,
      [lower(spec.lifecycle)].filter(Boolean) as string[],
    )
  );
}

/** Whether `version` is earlier than `wanted` (missing parts count as 0). */
export function isEarlierVersion(version: string, wanted: string): boolean {
  const a = versionParts(version.trim());
  const b = versionParts(wanted.trim());
  if (!a || !b) return version.trim() !== wanted.trim();
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff < 0;
  }
  return false;
}

/**
 * What a component still has to do for a campaign: the asked checks it
 * fails or that were not evaluated (passed, passed with an exception and
 * not applicable are done), and for a template upgrade, the upgrade while
 * its recorded template version is missing or earlier than the one asked.
 */
export function stillFailing(
  entity: Entity,
  checks: StoredCheck[],
  campaign: Pick<StoredCampaign, 'checks' | 'upgradeTo'>,
): string[] {
  const outcomes = new Map(checks.map(c => [c.id, c.outcome]));
  const failing = campaign.checks.filter(id => {
    const outcome = outcomes.get(id);
    return outcome === undefined || outcome === 'fail';
  });
  if (campaign.upgradeTo) {
    const version = entity.metadata.annotations?.[TEMPLATE_VERSION];
    if (!version || isEarlierVersion(version, campaign.upgradeTo)) {
      failing.push(TEMPLATE_VERSION_ITEM);
    }
  }
  return failing;
}
