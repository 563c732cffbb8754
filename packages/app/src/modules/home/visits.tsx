import { useEffect } from 'react';
import { useLocation } from 'react-router-dom';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { visitsApiRef } from '@backstage/plugin-home';

/** What the home page's visited lists record for a page. */
export type PageVisit = {
  name: string;
  pathname: string;
  entityRef?: string;
};

const ENTITY_PATH = /^\/catalog\/([^/]+)\/([^/]+)\/([^/]+)/;
const TOP_LEVEL_PATH = /^\/([^/]+)/;

/**
 * The visit a page counts as: an entity's tabs are one visit of the entity
 * (its page, not /cost or /outcomes), a page's sub-pages one visit of the
 * page, and the home page none (the lists are on it).
 */
export function visitOf(pathname: string): PageVisit | undefined {
  const entity = ENTITY_PATH.exec(pathname);
  if (entity) {
    const [, namespace, kind, name] = entity.map(decodeURIComponent);
    return {
      name,
      pathname: `/catalog/${entity[1]}/${entity[2]}/${entity[3]}`,
      entityRef: stringifyEntityRef({ kind, namespace, name }),
    };
  }
  const page = TOP_LEVEL_PATH.exec(pathname);
  if (!page) return undefined;
  return { name: decodeURIComponent(page[1]), pathname: `/${page[1]}` };
}

/**
 * Records visits for "Recently visited" and "Most visited" as `visitOf`
 * counts them, so an entity shows once however many of its tabs were
 * opened. Replaces the home plugin's listener, which counted every path.
 */
export const PageVisitListener = () => {
  const visitsApi = useApi(visitsApiRef);
  const { pathname } = useLocation();
  useEffect(() => {
    const visit = visitOf(pathname);
    if (!visit) return undefined;
    const frame = requestAnimationFrame(() => {
      visitsApi.save({ visit });
    });
    return () => cancelAnimationFrame(frame);
  }, [visitsApi, pathname]);
  return null;
};
