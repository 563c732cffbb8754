/**
 * FOCUS billing exports as a source of Paved's cost backend.
 *
 * @packageDocumentation
 */
export { costModuleFocus as default } from './module';
export {
  FocusParseError,
  parseFocusCsv,
  readFocusCsv,
  REQUIRED_FOCUS_COLUMNS,
  OPTIONAL_FOCUS_COLUMNS,
  SERVICE_CATEGORY_COST_CATEGORY,
} from './parse';
export type { FocusBillingPeriod, FocusRecord } from './parse';
