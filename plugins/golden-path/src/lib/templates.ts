import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';

/** The version a template declares, and the one a component was made from. */
export const TEMPLATE_VERSION_ANNOTATION = 'paved.dev/template-version';
/** The template a component was made from (the scaffolder's own annotation is read too). */
export const TEMPLATE_ANNOTATION = 'paved.dev/template';
/** What the scaffolder records on entities it registers. */
export const SOURCE_TEMPLATE_ANNOTATION = 'backstage.io/source-template';

/**
 * The `spec.type` of the template that upgrades components to the current
 * version of their golden path; it is a tool, not a golden path itself.
 */
export const UPGRADE_TEMPLATE_TYPE = 'upgrade';

function isUpgradeTemplate(template: Entity): boolean {
  return template.spec?.type === UPGRADE_TEMPLATE_TYPE;
}

/** The upgrade template, if one is registered. */
export function upgradeTemplateOf(templates: Entity[]): Entity | undefined {
  return templates.find(isUpgradeTemplate);
}

/**
 * Opens the upgrade template with the component pre-filled: the scaffolder
 * reads its initial form data from the JSON in the `formData` query parameter.
 */
export function upgradeHref(upgradeTemplate: Entity, componentRef: string) {
  const formData = encodeURIComponent(
    JSON.stringify({ component: componentRef }),
  );
  return `/create/templates/${
    upgradeTemplate.metadata.namespace ?? 'default'
  }/${upgradeTemplate.metadata.name}?formData=${formData}`;
}

/** A golden path: a template and the components created from it. */
export type GoldenPath = {
  template: Entity;
  templateRef: string;
  version: string | undefined;
  components: Array<{
    entity: Entity;
    entityRef: string;
    /** The owner's full entity ref (`spec.owner` may omit kind and namespace). */
    owner: string | undefined;
    version: string | undefined;
    behind: boolean;
    /**
     * Whether the upgrade action can upgrade it: components created by
     * Paved's golden paths record their answers and name their template in
     * `paved.dev/template`; older ones only carry the scaffolder's
     * annotation and are upgraded by hand.
     */
    upgradable: boolean;
  }>;
};

/**
 * Compares dotted versions numerically ("1.10.0" > "1.9.2"); parts that
 * are not numbers compare as text. Negative when `a` is older.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.');
  const pb = b.replace(/^v/, '').split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const diff =
      Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The template entity ref a component names, if any. */
export function templateRefOf(component: Entity): string | undefined {
  const annotations = component.metadata.annotations ?? {};
  const ref =
    annotations[TEMPLATE_ANNOTATION] ?? annotations[SOURCE_TEMPLATE_ANNOTATION];
  if (!ref) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'template',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

function ownerRefOf(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Groups components under the templates they were created from; a
 * component is behind when its recorded version is older than the
 * template's (or it recorded none). The upgrade template is left out.
 */
export function goldenPaths(
  templates: Entity[],
  components: Entity[],
): GoldenPath[] {
  return templates
    .filter(template => !isUpgradeTemplate(template))
    .map(template => {
      const templateRef = stringifyEntityRef(template);
      const version =
        template.metadata.annotations?.[TEMPLATE_VERSION_ANNOTATION];
      return {
        template,
        templateRef,
        version,
        components: components
          .filter(c => templateRefOf(c) === templateRef)
          .map(entity => {
            const componentVersion =
              entity.metadata.annotations?.[TEMPLATE_VERSION_ANNOTATION];
            return {
              entity,
              entityRef: stringifyEntityRef(entity),
              owner: ownerRefOf(entity),
              version: componentVersion,
              behind:
                version !== undefined &&
                (componentVersion === undefined ||
                  compareVersions(componentVersion, version) < 0),
              upgradable: Boolean(
                entity.metadata.annotations?.[TEMPLATE_ANNOTATION],
              ),
            };
          })
          .sort(
            (a, b) =>
              Number(b.behind) - Number(a.behind) ||
              a.entityRef.localeCompare(b.entityRef),
          ),
      };
    })
    .sort((a, b) =>
      (a.template.metadata.title ?? a.template.metadata.name).localeCompare(
        b.template.metadata.title ?? b.template.metadata.name,
      ),
    );
}

/** A template-upgrade campaign, as the scorecards backend lists it. */
export type UpgradeCampaign = {
  id: string;
  title: string;
  deadline: string;
  target: { template?: string };
  upgradeTo?: string | null;
};

/**
 * The open campaign asking a template's components to upgrade (the nearest
 * deadline first), if any.
 */
export function upgradeCampaignOf(
  templateRef: string,
  campaigns: UpgradeCampaign[],
  now = new Date(),
): UpgradeCampaign | undefined {
  const ref = templateRef.toLocaleLowerCase('en-US');
  return campaigns
    .filter(
      c =>
        c.upgradeTo &&
        c.target.template === ref &&
        Date.parse(c.deadline) > now.getTime(),
    )
    .sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline))[0];
}
