export interface Config {
  paved?: {
    permission?: {
      /**
       * Full entity refs (`kind:namespace/name`) of the users and groups that
       * administer the portal: a list, or one string of refs separated by
       * commas or spaces (as `PAVED_ADMIN_GROUPS` gives them in production).
       * Admins may unregister any entity, delete catalog locations, post DORA
       * events and use the Kubernetes proxy. In production
       * (`auth.environment: production` or `NODE_ENV=production`) the policy
       * refuses to start with none, or with the local demo's
       * `group:default/platform`.
       */
      admins?: string | string[];
      /**
       * Who sees an entity's cost: `owners` (default: members of the
       * owning group and admins) or `everyone` signed in (the local demo,
       * so every team's cost can be explored).
       */
      costVisibility?: 'owners' | 'everyone';
    };
  };
}
