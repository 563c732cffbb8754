/**
 * Requests served per day by an entity's workload, from Prometheus, for
 * cost per request.
 */
export {
  PrometheusRequestCounts,
  PrometheusRequestCountError,
  REQUEST_RATE_QUERY_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  DEFAULT_REQUEST_RATE_QUERY,
  type RequestCountSource,
  type PrometheusRequestCountsOptions,
} from './PrometheusRequestCounts';
export {
  RequestRateQueryRefusedError,
  checkRequestRateQuery,
  MAX_REQUEST_RATE_QUERY_LENGTH,
} from './requestRateQuery';
