import { RESOURCE_TYPES, VERBS, groupVersions } from './resources';

/** What `/version` answers: the Kubernetes release the stand-in plays. */
export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
  emulationMajor: '1',
  emulationMinor: '32',
};

/** `/api`: the core group's versions. */
export function apiVersions(host: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [
      { clientCIDR: '0.0.0.0/0', serverAddress: host },
    ],
  };
}

export function isServedGroup(group: string): boolean {
  return groupVersions().some(g => g.group === group);
}

export function isServedGroupVersion(group: string, version: string): boolean {
  return groupVersions().some(g => g.group === group && g.version === version);
}

function apiGroup(group: string) {
  const versions = groupVersions()
    .filter(g => g.group === group)
    .map(g => ({
      groupVersion: `${g.group}/${g.version}`,
      version: g.version,
    }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** `/apis/{group}`. */
export function apiGroupDocument(group: string) {
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

/** `/apis`: every named group. */
export function apiGroupList() {
  const groups = [...new Set(groupVersions().map(g => g.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map(apiGroup),
  };
}

/** The log subresource of pods, which kubectl's discovery looks for. */
const POD_LOG_RESOURCE = {
  name: 'pods/log',
  singularName: '',
  namespaced: true,
  kind: 'Pod',
  verbs: ['get'],
};

/** `/api/v1` or `/apis/{group}/{version}`: the resources of one group version. */
export function resourceList(group: string, version: string) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: RESOURCE_TYPES.filter(
      t => t.group === group && t.version === version,
    ).flatMap(t => {
      const resource = {
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: VERBS,
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
        ...(t.categories ? { categories: t.categories } : {}),
      };
      return t.plural === 'pods' ? [resource, POD_LOG_RESOURCE] : [resource];
    }),
  };
}
