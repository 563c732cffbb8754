import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parse } from 'yaml';

/**
 * The demo organisation as the Kubernetes stand-in describes it. Read from
 * the same file as @paved/kube-apiserver-local so workload ids, teams,
 * clusters and environments never drift apart.
 */
export interface ScenarioWorkload {
  id: string;
  team: string;
  replicas: number;
  state?: string;
  hpa?: [number, number];
  /**
   * How much the workload's resource requests (so its cost) grew over the
   * last eight weeks in production, e.g. 1.5 for 150 %; none by default.
   */
  costGrowth?: number;
}

export interface ScenarioEnvironment {
  name: string;
  namespaceSuffix?: string;
  workloads: ScenarioWorkload[];
}

export interface ScenarioCluster {
  name: string;
  nodes?: number;
  environments: ScenarioEnvironment[];
}

export interface CostScenario {
  clusters: ScenarioCluster[];
}

/** The demo scenario of the Kubernetes stand-in, next to this package. */
export const FERNHILL_SCENARIO = resolvePath(
  // eslint-disable-next-line no-restricted-syntax -- a file of this repository
  __dirname,
  '../../kube-apiserver-local/scenarios/fernhill.yaml',
);

export function parseScenario(text: string): CostScenario {
  const doc = parse(text) as CostScenario;
  if (!doc || !Array.isArray(doc.clusters)) {
    throw new Error('scenario file must have a `clusters` list');
  }
  for (const cluster of doc.clusters) {
    if (!cluster.name) throw new Error('every cluster needs a name');
    for (const env of cluster.environments ?? []) {
      for (const w of env.workloads ?? []) {
        if (
          w.costGrowth !== undefined &&
          !(typeof w.costGrowth === 'number' && w.costGrowth >= 0)
        ) {
          throw new Error(
            `costGrowth of ${w.id} in ${cluster.name}/${env.name} must be a number of at least 0`,
          );
        }
        if (!w.id || !w.team || !(w.replicas >= 0)) {
          throw new Error(
            `workload in ${cluster.name}/${
              env.name
            } needs id, team and replicas: ${JSON.stringify(w)}`,
          );
        }
      }
    }
  }
  return doc;
}

export function loadScenario(path: string = FERNHILL_SCENARIO): CostScenario {
  return parseScenario(readFileSync(path, 'utf8'));
}
