export interface Config {
  dora?: {
    demo?: {
      /**
       * Whether the backend generates demo DORA history
       * (`@paved/plugin-dora-backend-module-demo`). The dashboards label
       * their numbers as demo data while it is on. Declared here too so the
       * app, which does not depend on the backend module, can read it.
       * @visibility frontend
       */
      enabled?: boolean;
    };
  };
}
