export interface Config {
  /**
   * Paved's Kubernetes status backend. The clusters themselves are read from
   * `kubernetes.clusterLocatorMethods` (type `config`), the same list the
   * official Kubernetes plugin uses (whose schema declares the cluster
   * fields): `authProvider: serviceAccount` with `serviceAccountToken`, or
   * without it the token of the pod Paved runs in
   * (`/var/run/secrets/kubernetes.io/serviceaccount/token`, read again on
   * every list and watch because it rotates); the API server's CA from
   * `caData`, `caFile`, or with the pod's token and neither of them the
   * pod's `ca.crt`.
   */
  kubeStatus?: {
    /**
     * How often every resource type is listed again in full, to repair any
     * drift of the watch cache. Default 600.
     */
    resyncIntervalSeconds?: number;
    /**
     * A watch that delivers neither an event nor a bookmark for this long is
     * assumed dead and restarted. Default 120 (the API server sends bookmarks
     * about once a minute).
     */
    silentWatchTimeoutSeconds?: number;
    /** Wait before retrying a failed or forbidden list. Default 10. */
    retryDelaySeconds?: number;
  };
  paved?: {
    kubernetes?: {
      /**
       * Accept plain `http:` URLs for every cluster in
       * `kubernetes.clusterLocatorMethods`. Off by default: a cluster with an
       * `http:` URL stops the backend at start-up, because the cluster
       * credentials and every answer would cross the network unencrypted.
       */
      allowInsecureHttp?: boolean;
      /**
       * Names of the clusters (as in `kubernetes.clusterLocatorMethods`) whose
       * plain `http:` URL is accepted, e.g. a cluster reached only through a
       * local `kubectl proxy`.
       */
      allowInsecureHttpClusters?: string[];
    };
  };
}
