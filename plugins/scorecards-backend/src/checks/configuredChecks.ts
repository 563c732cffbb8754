import type { RootConfigService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { ScorecardCheck } from '@paved/plugin-scorecards-node';

/** A check stated in configuration: one thing a component must declare. */
export type ConfiguredCheck = {
  id: string;
  title: string;
  description?: string;
  rationale: string;
  fix: string;
  requires: { annotation: string } | { field: string };
  appliesTo?: { types?: string[]; lifecycles?: string[] };
};

const KEY = 'scorecards.checks';
const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const FIELD = /^(metadata|spec)(\.[A-Za-z0-9_-]+)+$/;

/** The value at a dotted path of the entity (`metadata.description`). */
function valueAt(entity: Entity, path: string): unknown {
  let value: unknown = entity;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const isSet = (value: unknown) =>
  typeof value === 'number' ||
  typeof value === 'boolean' ||
  (typeof value === 'string' && value.trim() !== '') ||
  (Array.isArray(value) && value.length > 0) ||
  (typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.keys(value).length > 0
    : false);

/** A configured check as a scorecard check. */
export function configuredCheck(definition: ConfiguredCheck): ScorecardCheck {
  const { requires, appliesTo } = definition;
  const what =
    'annotation' in requires
      ? `the ${requires.annotation} annotation`
      : requires.field;
  const lower = (values?: string[]) =>
    values?.map(v => v.toLocaleLowerCase('en-US'));
  const types = lower(appliesTo?.types);
  const lifecycles = lower(appliesTo?.lifecycles);
  return {
    id: definition.id,
    title: definition.title,
    description: definition.description ?? `The component sets ${what}.`,
    rationale: definition.rationale,
    fix: definition.fix,
    evaluate(entity) {
      const type = String(entity.spec?.type ?? '').toLocaleLowerCase('en-US');
      const lifecycle = String(entity.spec?.lifecycle ?? '').toLocaleLowerCase(
        'en-US',
      );
      if (types && !types.includes(type)) {
        return {
          outcome: 'not-applicable',
          evidence: `Applies to components of type ${types.join(
            ', ',
          )}; this one is ${type || 'untyped'}.`,
        };
      }
      if (lifecycles && !lifecycles.includes(lifecycle)) {
        return {
          outcome: 'not-applicable',
          evidence: `Applies in lifecycle ${lifecycles.join(
            ', ',
          )}; this one is ${lifecycle || 'not set'}.`,
        };
      }
      const value =
        'annotation' in requires
          ? entity.metadata.annotations?.[requires.annotation]
          : valueAt(entity, requires.field);
      return isSet(value)
        ? { outcome: 'pass', evidence: `Sets ${what}.` }
        : { outcome: 'fail', evidence: `Does not set ${what}.` };
    },
  };
}

/**
 * The checks stated under `scorecards.checks`: each requires an annotation
 * or a field of the component, optionally only for some types and
 * lifecycles. Refuses a definition that is not one of those, naming it.
 */
export function readConfiguredChecks(
  config: RootConfigService,
): ConfiguredCheck[] {
  const seen = new Set<string>();
  return (config.getOptionalConfigArray(KEY) ?? []).map((check, i) => {
    const id = check.getString('id');
    const where = `${KEY}[${i}] (${id})`;
    if (!ID.test(id) || id.length > 64) {
      throw new Error(
        `${where}: the id must be lower-case words joined by hyphens, at most 64 characters`,
      );
    }
    if (seen.has(id)) throw new Error(`${where}: the id is used twice`);
    seen.add(id);
    const annotation = check.getOptionalString('requires.annotation');
    const field = check.getOptionalString('requires.field');
    if ((annotation === undefined) === (field === undefined)) {
      throw new Error(
        `${where}: requires must name exactly one of annotation or field`,
      );
    }
    if (field !== undefined && !FIELD.test(field)) {
      throw new Error(
        `${where}: requires.field must be a dotted path under metadata or spec, e.g. metadata.description, not '${field}'`,
      );
    }
    const types = check.getOptionalStringArray('appliesTo.types');
    const lifecycles = check.getOptionalStringArray('appliesTo.lifecycles');
    const description = check.getOptionalString('description');
    return {
      id,
      title: check.getString('title'),
      ...(description ? { description } : {}),
      rationale: check.getString('rationale'),
      fix: check.getString('fix'),
      requires: annotation !== undefined ? { annotation } : { field: field! },
      ...(types || lifecycles
        ? {
            appliesTo: {
              ...(types ? { types } : {}),
              ...(lifecycles ? { lifecycles } : {}),
            },
          }
        : {}),
    };
  });
}
