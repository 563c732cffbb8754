/**
 * Kubernetes label selectors, parsed and matched one way for every Paved
 * plugin that reads them (cost allocation, Kubernetes status).
 *
 * The local Kubernetes API server stand-in (`@paved/kube-apiserver-local`)
 * keeps its own parser on purpose: it checks the clients against an
 * independent implementation.
 *
 * @packageDocumentation
 */
export {
  fromSelectorObject,
  LabelSelectorError,
  matchesLabels,
  parseLabelSelector,
  type LabelRequirement,
  type LabelSelector,
  type LabelSelectorParsing,
} from './labelSelectors';
