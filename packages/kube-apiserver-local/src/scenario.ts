import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parse } from 'yaml';

/** How a workload behaves in the scenario. */
export type WorkloadState =
  | 'healthy'
  /** Every pod's container exits with an error and is in CrashLoopBackOff. */
  | 'crashloop'
  /** The newest revision cannot pull its image: ProgressDeadlineExceeded. */
  | 'stuck-rollout'
  /** Running again, but one pod's container was last OOMKilled. */
  | 'oomkilled'
  /** One extra replica cannot be scheduled (Insufficient memory). */
  | 'pending';

/** A short description of a Deployment; the objects are generated from it. */
export interface WorkloadSpec {
  /** The `backstage.io/kubernetes-id`, also the Deployment's name. */
  id: string;
  /** The owning team; the namespace is the team plus the environment suffix. */
  team: string;
  /** Image tags, oldest first; each is one revision, the last the newest. */
  versions: string[];
  replicas: number;
  state?: WorkloadState;
  port?: number;
  /** An autoscaler, `[minReplicas, maxReplicas]`. */
  hpa?: [number, number];
  /** A PodDisruptionBudget with this `minAvailable`. */
  pdb?: number;
  /**
   * Deployed with a golden path's manifests: a liveness probe besides the
   * readiness probe every workload has, and the container runs as non-root.
   */
  hardened?: boolean;
  /** Log lines for the pods; generated if absent. */
  logs?: string[];
}

export interface EnvironmentSpec {
  name: string;
  /** Appended to the team to form the namespace, e.g. `-staging`. */
  namespaceSuffix?: string;
  workloads: WorkloadSpec[];
}

/** One cluster; one server instance serves one of these. */
export interface Scenario {
  name: string;
  /** The image registry and repository prefix, e.g. `ghcr.io/fernhill`. */
  registry?: string;
  nodes?: number;
  environments: EnvironmentSpec[];
}

export interface ScenarioFile {
  organisation?: string;
  registry?: string;
  clusters: Scenario[];
}

export function parseScenarioFile(text: string): ScenarioFile {
  const doc = parse(text) as ScenarioFile;
  if (!doc || !Array.isArray(doc.clusters)) {
    throw new Error('scenario file must have a `clusters` list');
  }
  for (const c of doc.clusters) {
    c.registry = c.registry ?? doc.registry;
    for (const env of c.environments ?? []) {
      for (const w of env.workloads ?? []) {
        if (
          !w.id ||
          !w.team ||
          !Array.isArray(w.versions) ||
          !w.versions.length
        ) {
          throw new Error(
            `workload in ${c.name}/${
              env.name
            } needs id, team and versions: ${JSON.stringify(w)}`,
          );
        }
      }
    }
  }
  return doc;
}

export function loadScenarioFile(path: string): ScenarioFile {
  return parseScenarioFile(readFileSync(path, 'utf8'));
}

/** The path of the bundled demo scenario. */
export const FERNHILL_SCENARIO = resolvePath(
  // eslint-disable-next-line no-restricted-syntax -- a file of this package
  __dirname,
  '../scenarios/fernhill.yaml',
);
