/**
 * Paved's live Kubernetes status: the Workloads tab of groups, systems and
 * components, and the status card on component overviews.
 *
 * @packageDocumentation
 */
export { kubeStatusPlugin as default } from './plugin';
export { kubeStatusApiRef, KubeStatusClient } from './api';
export type { KubeStatusApi } from './api';
