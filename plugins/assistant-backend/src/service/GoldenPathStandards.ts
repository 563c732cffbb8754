import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  GUARDRAIL_RULES,
  REQUIRED_ANNOTATIONS,
} from '@paved/plugin-golden-path-node';
import { TEMPLATE_VERSION } from './annotations';
import type { PortalReads } from './PortalReads';

/** Templates of this type upgrade a service; they do not start one. */
const UPGRADE_TYPE = 'upgrade';

/** What a template asks for: its parameters' fields, by step. */
function asks(template: Entity): string[] {
  const steps = (template.spec?.parameters ?? []) as Array<{
    title?: string;
    properties?: Record<string, { title?: string }>;
  }>;
  return (Array.isArray(steps) ? steps : [steps]).flatMap(step =>
    Object.entries(step.properties ?? {}).map(
      ([key, property]) => property.title ?? key,
    ),
  );
}

/** How well a template fits the words describing the service wanted. */
function fit(template: Entity, words: string[]): number {
  const haystack = [
    template.metadata.name,
    template.metadata.title ?? '',
    template.metadata.description ?? '',
    String(template.spec?.type ?? ''),
    ...(template.metadata.tags ?? []),
  ]
    .join(' ')
    .toLocaleLowerCase('en-US');
  return words.filter(w => haystack.includes(w)).length;
}

/**
 * The platform's standards as an assistant should follow them: the golden
 * paths (which template fits which kind of service, what each asks, its
 * current version), the guardrails every change must pass, the catalog
 * annotations every service carries, and the scorecards' levels.
 */
export class GoldenPathStandards {
  readonly #catalog: CatalogService;
  readonly #reads: PortalReads;
  readonly #appBaseUrl: string;

  constructor(options: {
    catalog: CatalogService;
    reads: PortalReads;
    appBaseUrl: string;
  }) {
    this.#catalog = options.catalog;
    this.#reads = options.reads;
    this.#appBaseUrl = options.appBaseUrl.replace(/\/$/, '');
  }

  async standards(
    options: { kindOfService?: string },
    credentials: BackstageCredentials,
  ) {
    const words = (options.kindOfService ?? '')
      .toLocaleLowerCase('en-US')
      .split(/[^a-z0-9.+#-]+/)
      .filter(w => w.length > 1);
    const [{ items }, scorecard] = await Promise.all([
      this.#catalog.getEntities(
        {
          filter: { kind: 'Template' },
          fields: ['kind', 'metadata', 'spec.type', 'spec.parameters'],
        },
        { credentials },
      ),
      this.#reads
        .scorecardDefinitions(credentials)
        .then(d => ({ available: true as const, ...d }))
        .catch((error: Error) => ({
          available: false as const,
          reason: `${error.name}: ${error.message}`,
        })),
    ]);
    const ranked = items
      .filter(t => t.spec?.type !== UPGRADE_TYPE)
      .map(t => ({
        templateRef: stringifyEntityRef(t),
        title: t.metadata.title ?? t.metadata.name,
        description: t.metadata.description ?? '',
        type: String(t.spec?.type ?? ''),
        tags: t.metadata.tags ?? [],
        version: t.metadata.annotations?.[TEMPLATE_VERSION] ?? null,
        asks: asks(t),
        createUrl: `${this.#appBaseUrl}/create/templates/${
          t.metadata.namespace ?? 'default'
        }/${t.metadata.name}`,
        fit: words.length ? fit(t, words) : undefined,
      }))
      .sort(
        (a, b) =>
          (b.fit ?? 0) - (a.fit ?? 0) ||
          a.templateRef.localeCompare(b.templateRef),
      );
    return {
      goldenPaths: ranked.map(({ fit: _fit, ...path }) => path),
      ...(words.length
        ? { bestFit: ranked[0]?.fit ? ranked[0].templateRef : null }
        : {}),
      guardrails: GUARDRAIL_RULES,
      requiredAnnotations: Object.entries(REQUIRED_ANNOTATIONS).map(
        ([annotation, purpose]) => ({ annotation, purpose }),
      ),
      scorecard,
      howToUse:
        'Start a new service from the best-fitting golden path in the portal (createUrl), never by hand; check every change with validate-change before opening a pull request; a service created from a golden path stays on it through the upgrade template.',
    };
  }
}
