export { createModule } from './createModule';
