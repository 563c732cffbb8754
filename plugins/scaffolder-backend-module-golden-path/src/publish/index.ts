import { Config } from '@backstage/config';
import { GoldenPathPublishConfig } from '../config';
import { GithubRepositoryPublisher } from './GithubRepositoryPublisher';
import { LocalRepositoryPublisher } from './LocalRepositoryPublisher';
import { RepositoryPublisher } from './types';

export type {
  PublishContext,
  PublishRequest,
  PublishResult,
  RepositoryPublisher,
} from './types';
export {
  LocalRepositoryPublisher,
  REPO_NAME_PATTERN,
  TEMPLATE_BRANCH,
} from './LocalRepositoryPublisher';
export { GithubRepositoryPublisher } from './GithubRepositoryPublisher';
export type { PublishGithubAction } from './GithubRepositoryPublisher';

/** The publish target that `paved.goldenPath.publish.target` selects. */
export function createRepositoryPublisher(
  publish: GoldenPathPublishConfig,
  config: Config,
): RepositoryPublisher {
  if (publish.target === 'github') {
    return GithubRepositoryPublisher.create({
      host: publish.host,
      owner: publish.owner,
      repoVisibility: publish.repoVisibility,
      config,
    });
  }
  return LocalRepositoryPublisher.create({ directory: publish.directory });
}
