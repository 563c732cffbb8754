import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  EntityKubeStatus,
  TeamKubeStatus,
} from '@paved/plugin-kube-status-common';

/** The browser's view of the kube-status backend (`/api/kube-status`). */
export interface KubeStatusApi {
  /** The live workloads of one component. */
  getEntityStatus(entityRef: string): Promise<EntityKubeStatus>;
  /** The live workloads of every component of a group or a system. */
  getTeamStatus(entityRef: string): Promise<TeamKubeStatus>;
}

export const kubeStatusApiRef = createApiRef<KubeStatusApi>({
  id: 'plugin.kube-status.api',
});
