import { pullRequestHint } from './GithubRepositoryReader';

describe('pullRequestHint', () => {
  it.each([
    ['Retry failed card payments (#42)\n\n* Add retry policy', 42],
    ['Merge pull request #7 from fernhill/retries\n\nRetries', 7],
    ['Fix typo (see #12)', undefined],
    ['Mention (#12) in the middle of a title', undefined],
    ['Plain commit', undefined],
  ])('%j names pull request %p', (message, expected) => {
    expect(pullRequestHint(message)).toBe(expected);
  });
});
