export { entityModule } from './entityModule';
