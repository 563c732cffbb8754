import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  KindValidator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { Finding, WorkspaceFile } from './types';
import { isRecord, parseYamlFile, toJS } from './yaml';

export const CATALOG_INFO_FILE = 'catalog-info.yaml';

/** Annotations every golden-path component carries, with what each one is for. */
export const REQUIRED_ANNOTATIONS: Record<string, string> = {
  'backstage.io/techdocs-ref': 'point it at the docs (e.g. dir:.) for TechDocs',
  'github.com/project-slug':
    'set it to <org>/<repository> for the GitHub views',
  'backstage.io/kubernetes-id':
    'set it to the backstage.io/kubernetes-id label of the workloads for the Kubernetes view',
  'paved.dev/template-version':
    'record the golden-path template version that created the service',
};

/** An owner named in catalog-info.yaml, to be looked up in the catalog. */
export interface OwnerReference {
  file: string;
  line?: number;
  /** Full entity ref, e.g. `group:default/checkout`. */
  entityRef: string;
}

const entityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

const kindValidators: KindValidator[] = [
  componentEntityV1alpha1Validator,
  apiEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
];

/** Throws with the catalog's own message when the entity would be rejected. */
async function validateEntity(entity: Entity): Promise<void> {
  await entityPolicy.enforce(entity);
  for (const validator of kindValidators) {
    if (await validator.check(entity)) {
      return;
    }
  }
  throw new Error(
    `kind '${entity.kind}' with apiVersion '${entity.apiVersion}' is not a catalog kind`,
  );
}

function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split(
    '\n',
  )[0];
}

/**
 * The root `catalog-info.yaml`: present, parses, every document a valid
 * entity; the main entity (the first Component, else the first entity) has an
 * owner and the golden-path annotations. Returns the owners to look up.
 */
export async function checkCatalogInfo(
  files: WorkspaceFile[],
): Promise<{ findings: Finding[]; owners: OwnerReference[] }> {
  const file = files.find(f => f.path === CATALOG_INFO_FILE);
  if (!file) {
    return {
      findings: [
        {
          check: 'catalog',
          file: CATALOG_INFO_FILE,
          message:
            'is missing — add a catalog-info.yaml that describes the component at the repository root',
        },
      ],
      owners: [],
    };
  }
  const { parsed, finding } = parseYamlFile(file, 'catalog');
  if (finding) {
    return { findings: [finding], owners: [] };
  }

  const findings: Finding[] = [];
  const owners: OwnerReference[] = [];
  const entities: Array<{
    entity: Entity;
    valid: boolean;
    line?: number;
    ownerLine?: number;
  }> = [];
  for (const doc of parsed!.documents) {
    const value = toJS(doc);
    if (value === null || value === undefined) {
      continue;
    }
    const line = parsed!.lineOf(doc.contents);
    if (!isRecord(value)) {
      findings.push({
        check: 'catalog',
        file: file.path,
        line,
        message: 'has a document that is not an entity — remove it',
      });
      continue;
    }
    const entity = value as unknown as Entity;
    let valid = true;
    try {
      await validateEntity(entity);
    } catch (error) {
      valid = false;
      findings.push({
        check: 'catalog',
        file: file.path,
        line,
        message: `is not a valid catalog entity: ${errorMessage(
          error,
        )} — fix the entity so the catalog accepts it`,
      });
    }
    // Invalid entities still get the remaining checks when they have a
    // recognisable shape, so one run lists everything to fix.
    if (
      valid ||
      (typeof entity.kind === 'string' &&
        isRecord(entity.metadata) &&
        typeof entity.metadata.name === 'string')
    ) {
      entities.push({
        entity,
        valid,
        line,
        ownerLine: parsed!.lineOf(doc.getIn(['spec', 'owner'], true), line),
      });
    }
  }
  if (entities.length === 0) {
    if (findings.length === 0) {
      findings.push({
        check: 'catalog',
        file: file.path,
        message: 'has no entity — describe the component in it',
      });
    }
    return { findings, owners };
  }

  for (const { entity, ownerLine } of entities) {
    const owner = entity.spec?.owner;
    if (typeof owner !== 'string' || !owner) {
      continue;
    }
    try {
      owners.push({
        file: file.path,
        line: ownerLine,
        entityRef: stringifyEntityRef(
          parseEntityRef(owner, {
            defaultKind: 'group',
            defaultNamespace:
              typeof entity.metadata.namespace === 'string'
                ? entity.metadata.namespace
                : 'default',
          }),
        ),
      });
    } catch (error) {
      findings.push({
        check: 'catalog',
        file: file.path,
        line: ownerLine,
        message: `has an invalid spec.owner (${errorMessage(
          error,
        )}) — use a group or user reference such as group:default/my-team`,
      });
    }
  }

  const main =
    entities.find(e => e.entity.kind.toLowerCase() === 'component') ??
    entities[0];
  const subject = `${main.entity.kind} '${main.entity.metadata.name}'`;
  // For an invalid entity the validator has already reported a missing owner.
  if (
    main.valid &&
    (typeof main.entity.spec?.owner !== 'string' || !main.entity.spec.owner)
  ) {
    findings.push({
      check: 'catalog',
      file: file.path,
      line: main.line,
      message: `${subject} has no spec.owner — set it to the owning team, e.g. group:default/my-team`,
    });
  }
  const annotations: unknown = main.entity.metadata.annotations;
  for (const [annotation, purpose] of Object.entries(REQUIRED_ANNOTATIONS)) {
    const value = isRecord(annotations) ? annotations[annotation] : undefined;
    if (typeof value !== 'string' || !value.trim()) {
      findings.push({
        check: 'catalog',
        file: file.path,
        line: main.line,
        message: `${subject} has no '${annotation}' annotation — ${purpose}`,
      });
    }
  }
  return { findings, owners };
}

/**
 * Every owner must be an entity the catalog knows. `entityExists` is the
 * catalog lookup (made with the initiator's credentials by the action).
 */
export async function checkOwnersExist(
  owners: OwnerReference[],
  entityExists: (entityRef: string) => Promise<boolean>,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const owner of owners) {
    if (!(await entityExists(owner.entityRef))) {
      findings.push({
        check: 'catalog',
        file: owner.file,
        line: owner.line,
        message: `spec.owner '${owner.entityRef}' does not exist in the catalog — use an existing group or user`,
      });
    }
  }
  return findings;
}
