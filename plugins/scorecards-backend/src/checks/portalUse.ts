/** One page a signed-in user opened, as the portal-use counts keep it. */
export type PortalVisit = {
  /** `docs`: a TechDocs site; `page`: any other page of the portal. */
  kind: 'page' | 'docs';
  /**
   * `docs`: the entity whose docs were read (`component:default/x`);
   * `page`: the kind of page (`/catalog/component/delivery`, `/scorecards`).
   */
  subject: string;
};

/** A path segment the portal's routes make: names, not free text. */
const SEGMENT = /^[a-z0-9][a-z0-9._~-]{0,62}$/;

/**
 * What a path the app reports as navigated to counts as: a TechDocs site
 * (by its entity), or a kind of page — an entity's tab by the entity's
 * kind (`/catalog/component/delivery`; the overview without a tab), any
 * other page by its first segment (`/scorecards`, `/` for the home page).
 * Query and fragment are dropped; anything that is not the portal's own
 * shape of path (other characters, encoded slashes) counts as nothing.
 */
export function classifyPath(path: string): PortalVisit | undefined {
  const clean = path.split(/[?#]/)[0];
  if (!clean.startsWith('/') || clean.length > 500) return undefined;
  const parts = clean
    .split('/')
    .filter(Boolean)
    .map(p => p.toLocaleLowerCase('en-US'));
  if (parts.some(p => !SEGMENT.test(p))) return undefined;
  const [first, namespace, kind, name, tab] = parts;
  if (first === 'docs' && name) {
    return { kind: 'docs', subject: `${kind}:${namespace}/${name}` };
  }
  if (first === 'catalog' && name) {
    return {
      kind: 'page',
      subject: tab ? `/catalog/${kind}/${tab}` : `/catalog/${kind}`,
    };
  }
  return { kind: 'page', subject: first ? `/${first}` : '/' };
}
