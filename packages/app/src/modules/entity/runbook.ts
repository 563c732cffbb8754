import { Entity } from '@backstage/catalog-model';

/**
 * Where a component's runbook is (the annotation contract,
 * docs/annotations.md): a page of its TechDocs site, as a path relative to
 * the site (`runbook`, `operations/runbook`), or an absolute https URL.
 */
export const RUNBOOK_ANNOTATION = 'paved.dev/runbook';

export type RunbookLocation =
  | { kind: 'techdocs'; path: string }
  | { kind: 'url'; url: string };

const DOCS_PATH =
  /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/?(#[A-Za-z0-9._~-]+)?$/;

/**
 * The runbook an entity declares, or undefined when it declares none or the
 * value is neither an https URL nor a plain path inside its docs (so an
 * annotation can never become a `javascript:` link or climb out of the
 * docs site with `..`).
 */
export function runbookLocation(entity: Entity): RunbookLocation | undefined {
  const value = entity.metadata.annotations?.[RUNBOOK_ANNOTATION]?.trim();
  if (!value) {
    return undefined;
  }
  if (/^https:\/\//i.test(value)) {
    try {
      return { kind: 'url', url: new URL(value).toString() };
    } catch {
      return undefined;
    }
  }
  const path = value.replace(/^\.\//, '').replace(/\.md(?=$|#)/, '');
  if (!DOCS_PATH.test(path) || path.split(/[/#]/).some(s => s === '..')) {
    return undefined;
  }
  return { kind: 'techdocs', path };
}
