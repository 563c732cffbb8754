export { serviceNameFormField } from './ServiceNameField';
