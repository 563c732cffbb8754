import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  type CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { docsEntityOf, TECHDOCS_REF } from './annotations';

/** The most search results one call answers. */
export const MAX_RESULTS = 25;
/** The most text of a doc page one call answers, in characters. */
export const MAX_PAGE_CHARS = 60_000;
const SNIPPET_CHARS = 400;
const READ_TIMEOUT_MS = 15_000;
/** A site built on first read (the local builder) may take this long. */
const BUILD_TIMEOUT_MS = 120_000;

/** What the portal's search finds, as an assistant reads it. */
export type SearchHit = {
  type: string;
  title: string;
  text: string;
  /** The page in the portal. */
  url: string;
  /** The catalog entity, or the entity whose docs the hit is in. */
  entityRef?: string;
  /** For docs: the page's path in the site, for get-doc-page. */
  docPath?: string;
};

/** One page of a TechDocs site as text. */
export type DocPage = {
  entityRef: string;
  path: string;
  title: string;
  url: string;
  sections: Array<{ title: string; anchor: string; text: string }>;
  /** Every page of the site, for the next read. */
  pages: Array<{ path: string; title: string }>;
  truncated: boolean;
};

type SearchIndexEntry = { location: string; title: string; text: string };

/** `/catalog/default/component/checkout` → component:default/checkout. */
function catalogLocation(location: string) {
  const match = /^\/catalog\/([^/]+)\/([^/]+)\/([^/?#]+)/.exec(location);
  if (!match) return undefined;
  const [, namespace, kind, name] = match;
  return { entityRef: stringifyEntityRef({ kind, namespace, name }) };
}

/** `/docs/default/component/checkout/runbook/#alerts` → its entity and page. */
function docsLocation(location: string) {
  const match = /^\/docs\/([^/]+)\/([^/]+)\/([^/]+)\/?([^#]*)/.exec(location);
  if (!match) return undefined;
  const [, namespace, kind, name, path] = match;
  return {
    entityRef: stringifyEntityRef({ kind, namespace, name }),
    docPath: decodeURI(path),
  };
}

/**
 * The portal's own reads an assistant asks for — search and TechDocs —
 * made to the search and TechDocs backends with the caller's credentials,
 * so an assistant sees exactly what its user would see in the portal.
 */
export class PortalReads {
  readonly #auth: AuthService;
  readonly #discovery: DiscoveryService;
  readonly #catalog: CatalogService;
  readonly #appBaseUrl: string;

  constructor(options: {
    auth: AuthService;
    discovery: DiscoveryService;
    catalog: CatalogService;
    appBaseUrl: string;
  }) {
    this.#auth = options.auth;
    this.#discovery = options.discovery;
    this.#catalog = options.catalog;
    this.#appBaseUrl = options.appBaseUrl.replace(/\/$/, '');
  }

  async #fetch(
    pluginId: string,
    path: string,
    credentials: BackstageCredentials,
    timeoutMs = READ_TIMEOUT_MS,
  ): Promise<Response> {
    const [baseUrl, { token }] = await Promise.all([
      this.#discovery.getBaseUrl(pluginId),
      this.#auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: pluginId,
      }),
    ]);
    try {
      return await fetch(`${baseUrl}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `The ${pluginId} backend could not be reached: ${
          (error as Error).message
        }`,
      );
    }
  }

  /** The portal's search: docs and the catalog, as the caller may see them. */
  async search(
    options: { term: string; types?: string[]; limit?: number },
    credentials: BackstageCredentials,
  ): Promise<SearchHit[]> {
    const term = options.term.trim();
    if (!term) throw new InputError('term must say what to search for');
    const query = new URLSearchParams({ term });
    (options.types ?? []).forEach((type, i) => query.set(`types[${i}]`, type));
    const limit = Math.min(options.limit ?? 10, MAX_RESULTS);
    query.set('pageLimit', String(limit));
    const response = await this.#fetch(
      'search',
      `/query?${query}`,
      credentials,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const { results } = (await response.json()) as {
      results: Array<{
        type: string;
        document: {
          title?: string;
          text?: string;
          location?: string;
        };
      }>;
    };
    return results.slice(0, limit).map(({ type, document }) => {
      const location = document.location ?? '';
      const docs = type === 'techdocs' ? docsLocation(location) : undefined;
      const entity =
        type === 'software-catalog' ? catalogLocation(location) : undefined;
      const text = (document.text ?? '').replace(/\s+/g, ' ').trim();
      return {
        type,
        title: document.title ?? '',
        text:
          text.length > SNIPPET_CHARS
            ? `${text.slice(0, SNIPPET_CHARS)}…`
            : text,
        url: `${this.#appBaseUrl}${location}`,
        ...(docs ?? entity ?? {}),
      };
    });
  }

  /**
   * One page of an entity's TechDocs as text, section by section, from the
   * site's search index; a site not built yet is built first where the
   * portal builds docs itself.
   */
  async docPage(
    entityRef: string,
    path: string,
    credentials: BackstageCredentials,
  ): Promise<DocPage> {
    const site = await this.#docsEntity(entityRef, credentials);
    const sitePath =
      `/${site.namespace}/${site.kind}/${site.name}`.toLocaleLowerCase('en-US');
    let index = await this.#fetch(
      'techdocs',
      `/static/docs${sitePath}/search/search_index.json`,
      credentials,
    );
    if (index.status === 404) {
      await this.#build(sitePath, credentials);
      index = await this.#fetch(
        'techdocs',
        `/static/docs${sitePath}/search/search_index.json`,
        credentials,
      );
    }
    if (index.status === 404) {
      throw new NotFoundError(
        `The docs of ${stringifyEntityRef(site)} are not built yet`,
      );
    }
    if (!index.ok) throw await ResponseError.fromResponse(index);
    const { docs } = (await index.json()) as { docs: SearchIndexEntry[] };
    const page = path.replace(/^\/+/, '').replace(/#.*$/, '');
    const wanted = page === '' || page.endsWith('/') ? page : `${page}/`;
    const pages = docs
      .filter(d => !d.location.includes('#'))
      .map(d => ({ path: d.location, title: d.title }));
    const own = docs.filter(
      d => d.location === wanted || d.location.startsWith(`${wanted}#`),
    );
    if (own.length === 0) {
      throw new NotFoundError(
        `No page '${path}' in the docs of ${stringifyEntityRef(
          site,
        )}; its pages: ${pages.map(p => p.path || '(home)').join(', ')}`,
      );
    }
    let room = MAX_PAGE_CHARS;
    const sections: DocPage['sections'] = [];
    for (const entry of own.filter(d => d.location.includes('#'))) {
      if (room <= 0) break;
      const text = entry.text.slice(0, room);
      room -= text.length;
      sections.push({
        title: entry.title,
        anchor: entry.location.slice(entry.location.indexOf('#') + 1),
        text,
      });
    }
    return {
      entityRef: stringifyEntityRef(site),
      path: wanted,
      title: own.find(d => d.location === wanted)?.title ?? '',
      url: `${this.#appBaseUrl}/docs${sitePath}/${wanted}`,
      sections,
      pages,
      truncated: room <= 0,
    };
  }

  /** The scorecards' levels and checks, as the caller may read them. */
  async scorecardDefinitions(credentials: BackstageCredentials): Promise<{
    levels: Array<{ id: string; title: string; checks: string[] }>;
    checks: Array<{
      id: string;
      title: string;
      description: string;
      fix: string;
    }>;
  }> {
    const response = await this.#fetch(
      'scorecards',
      '/definitions',
      credentials,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.json();
  }

  /** The entity whose TechDocs an entity shows (itself, or the one it names). */
  async #docsEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<CompoundEntityRef> {
    let ref: CompoundEntityRef;
    try {
      ref = parseEntityRef(entityRef, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
    } catch {
      throw new InputError(`'${entityRef}' is not an entity ref`);
    }
    const entity = await this.#catalog.getEntityByRef(ref, { credentials });
    if (!entity)
      throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
    const site = docsEntityOf(entity);
    if (!site) {
      throw new NotFoundError(
        `${stringifyEntityRef(
          ref,
        )} has no TechDocs (no ${TECHDOCS_REF} annotation)`,
      );
    }
    return site;
  }

  /** Asks TechDocs to build a site (where it builds them) and waits for it. */
  async #build(sitePath: string, credentials: BackstageCredentials) {
    const response = await this.#fetch(
      'techdocs',
      `/sync${sitePath}`,
      credentials,
      BUILD_TIMEOUT_MS,
    );
    if (response.status === 403) {
      throw new NotAllowedError('You may not read these docs');
    }
    // The build's log as an event stream, until it finishes or fails.
    await response.text();
  }
}
