export interface Config {
  dora?: {
    demo?: {
      /**
       * Generate demo DORA history on start (local default only). The
       * dashboards label their numbers as demo data while it is on.
       * @visibility frontend
       */
      enabled?: boolean;
    };
  };
}
