export interface Config {
  dora?: {
    demo?: {
      /** Generate demo DORA history on start (local default only). */
      enabled?: boolean;
    };
  };
}
