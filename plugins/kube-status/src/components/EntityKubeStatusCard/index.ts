export { EntityKubeStatusCard } from './EntityKubeStatusCard';
