import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  cost?: {
    /** ISO 4217 code of the billing currency every amount is in. Default USD. */
    currency?: string;
    allocation?: {
      /**
       * How idle cost (OpenCost `__idle__`) reaches entities, per day and
       * cluster: weighted (by each entity's direct cost, default), even
       * (equally among the entities with cost), or none (its own line).
       */
      idle?: 'weighted' | 'even' | 'none';
      /** The same for shared namespaces and shared label sets. */
      shared?: 'weighted' | 'even' | 'none';
      /** Namespaces whose cost is shared, not direct. Default [kube-system]. */
      sharedNamespaces?: string[];
      /**
       * Label selectors (Kubernetes syntax) marking shared cost, e.g.
       * `cost-center=platform`. Default none.
       */
      sharedLabels?: string[];
      /**
       * Tags of cloud-bill rows that pay for a Kubernetes cluster's nodes,
       * whose value is the cluster's name as the OpenCost source names it.
       * Such rows are not allocated (OpenCost allocates the nodes' cost to
       * workloads); they are the billed side of the cluster's workloads in
       * reconciliation. Default: aws:eks:cluster-name, eks:cluster-name,
       * goog-k8s-cluster-name, aks-managed-cluster-name.
       */
      clusterNodeTags?: string[];
      /**
       * How often label sets are re-allocated to catalog entities (the
       * catalog changes). Default every minute.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /**
     * Monthly budgets by entity ref, e.g. `component:default/checkout: 1200`.
     * An entity's `paved.dev/cost-budget` annotation wins over this.
     */
    budgets?: { [entityRef: string]: number };
    /** Prometheus for request counts (cost per request). Off when unset. */
    prometheus?: {
      /** e.g. http://prometheus:9090; `none` (or unset): cost per request is off. */
      baseUrl?: string;
      /**
       * Headers sent with every query, e.g. Authorization.
       * @visibility secret
       */
      headers?: { [name: string]: string };
      /** PromQL request rate with `{{kubernetesId}}`-style placeholder for the workload. */
      defaultRequestRateQuery?: string;
      /**
       * The metrics a `prometheus.io/request-rate-query` annotation may
       * read (it runs with these credentials). Any other metric, a selector
       * without a metric name or on `__name__`, or a query over 1,000
       * characters is refused before it is sent. Default: the metrics of
       * the default query (`http_server_request_duration_seconds_count`).
       */
      allowedRequestRateMetrics?: string[];
      /**
       * How long Prometheus may evaluate one query, in seconds (its
       * `timeout` parameter; the request is aborted shortly after).
       * Default 20, at most 300.
       */
      queryTimeoutSeconds?: number;
    };
  };
}
