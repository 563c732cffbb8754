export { ComponentWorkloadsContent } from './ComponentWorkloadsContent';
