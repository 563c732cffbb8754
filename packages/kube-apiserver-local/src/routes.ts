import {
  VERSION_INFO,
  apiGroupDocument,
  apiGroupList,
  apiVersions,
  isServedGroup,
  isServedGroupVersion,
  resourceList,
} from './discovery';
import { ResourceType, findType } from './resources';

/** A request for objects: `[namespaces/{ns}/]{plural}[/{name}[/{sub}]]`. */
export interface ResourceRequest {
  type: ResourceType;
  namespace?: string;
  name?: string;
  /** Only `log`, of pods. */
  subresource?: string;
}

/** What a GET path asks for. */
export type Route =
  | { kind: 'discovery'; document: object }
  | { kind: 'resource'; request: ResourceRequest }
  | { kind: 'notFound' };

const NOT_FOUND: Route = { kind: 'notFound' };

/** Resolves a path (no trailing slash) against what the server serves. */
export function routeOf(path: string, host: string): Route {
  switch (path) {
    case '/version':
      return { kind: 'discovery', document: VERSION_INFO };
    case '/api':
      return { kind: 'discovery', document: apiVersions(host) };
    case '/api/v1':
      return { kind: 'discovery', document: resourceList('', 'v1') };
    case '/apis':
      return { kind: 'discovery', document: apiGroupList() };
    default:
  }
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'api' && parts[1] === 'v1') {
    return resourceRoute('', 'v1', parts.slice(2));
  }
  if (parts[0] !== 'apis' || parts.length < 2) return NOT_FOUND;
  const [, group, version] = parts;
  if (parts.length === 2) {
    return isServedGroup(group)
      ? { kind: 'discovery', document: apiGroupDocument(group) }
      : NOT_FOUND;
  }
  if (!isServedGroupVersion(group, version)) return NOT_FOUND;
  if (parts.length === 3) {
    return { kind: 'discovery', document: resourceList(group, version) };
  }
  return resourceRoute(group, version, parts.slice(3));
}

function resourceRoute(group: string, version: string, rest: string[]): Route {
  let namespace: string | undefined;
  let path = rest;
  if (path[0] === 'namespaces' && path.length >= 3) {
    namespace = path[1];
    path = path.slice(2);
  }
  const [plural, name, subresource, ...extra] = path;
  const type = findType(group, version, plural);
  if (
    !type ||
    extra.length ||
    (namespace !== undefined && !type.namespaced) ||
    (subresource && !(type.plural === 'pods' && subresource === 'log'))
  ) {
    return NOT_FOUND;
  }
  return { kind: 'resource', request: { type, namespace, name, subresource } };
}
