import { HumanDuration } from '@backstage/types';

export interface Config {
  paved?: {
    goldenPath?: {
      /** The git CLI the golden-path actions run. */
      git?: {
        /**
         * How long one git command (clone, push, merge, commit…) may run
         * before it is killed with its hooks, e.g. `{ seconds: 30 }`, `30s`
         * or `PT30S`. Default two minutes.
         */
        timeout?: HumanDuration | string;
      };
      /** Where `goldenpath:publish` puts the repositories it creates. */
      publish?: {
        /**
         * `local` commits each new repository into a directory on the backend
         * host (development); `github` creates it in a GitHub organisation with
         * the official `publish:github` action. Default `local`.
         */
        target?: 'local' | 'github';
        local?: {
          /**
           * Directory that holds the local repositories, one sub-directory per
           * repository. Relative paths resolve against the backend's working
           * directory. Default `<repo root>/.paved/repositories`.
           */
          directory?: string;
        };
        github?: {
          /** GitHub host with a matching `integrations.github` entry. Default `github.com`. */
          host?: string;
          /** The organisation (or user) that owns new repositories. Required for the `github` target. */
          owner?: string;
          /** Visibility of new repositories. Default `private`. */
          repoVisibility?: 'private' | 'internal' | 'public';
        };
      };
    };
  };
}
