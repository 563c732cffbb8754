export interface Config {
  paved?: {
    permission?: {
      /**
       * Entity refs of the users and groups that administer the portal, e.g.
       * `group:default/platform`. Admins may unregister any entity and delete
       * catalog locations; everyone else only what their teams own.
       */
      admins?: string[];
      /**
       * Who sees an entity's cost: `owners` (default: members of the
       * owning group and admins) or `everyone` signed in (the local demo,
       * so every team's cost can be explored).
       */
      costVisibility?: 'owners' | 'everyone';
    };
  };
}
