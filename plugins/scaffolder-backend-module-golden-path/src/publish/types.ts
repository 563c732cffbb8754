import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';

/** The running action's context, handed to the publish target. */
export type PublishContext = ActionContext<JsonObject, JsonObject>;

/** What `goldenpath:publish` hands to a publish target. */
export interface PublishRequest {
  workspacePath: string;
  repoName: string;
  description?: string;
  defaultBranch: string;
  /** From the initiator's user entity; each target has its own fallback. */
  author?: { name: string; email: string };
}

/** The outputs of `goldenpath:publish`, the same for every target. */
export interface PublishResult {
  remoteUrl: string;
  repoContentsUrl: string;
  catalogInfoUrl: string;
  commitHash: string;
}

/** A place `goldenpath:publish` can create repositories in. */
export interface RepositoryPublisher {
  readonly target: 'local' | 'github';
  publish(request: PublishRequest, ctx: PublishContext): Promise<PublishResult>;
}
