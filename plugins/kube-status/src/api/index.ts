export { kubeStatusApiRef } from './KubeStatusApi';
export type { KubeStatusApi } from './KubeStatusApi';
export { KubeStatusClient } from './KubeStatusClient';
