export { kubeStatusPlugin as default } from './plugin';
