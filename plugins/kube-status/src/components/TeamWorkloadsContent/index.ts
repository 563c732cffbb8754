export { TeamWorkloadsContent } from './TeamWorkloadsContent';
