export { catalogHealthModule } from './catalogHealthModule';
