import { createHash } from 'node:crypto';

/** A commit: GitHub's answers about it are built from these fields. */
export type LocalCommit = { sha: string; message: string; authoredAt: string };

export type LocalDeployment = {
  id: number;
  sha: string;
  environment: string;
  createdAt: string;
  /** Oldest first, as they were posted. */
  statuses: Array<{ state: string; createdAt: string }>;
};

export type LocalPullRequest = {
  number: number;
  mergeCommitSha: string;
  mergedAt: string;
  labels: string[];
  commits: LocalCommit[];
};

/** One repository as the stand-in knows it. */
export type LocalRepository = {
  owner: string;
  name: string;
  /** The default branch, oldest commit first (linear history). */
  history: LocalCommit[];
  deployments: LocalDeployment[];
  pulls: LocalPullRequest[];
};

/** A commit sha made from a readable seed. */
export const sha = (seed: string) =>
  createHash('sha1').update(seed).digest('hex');

/** GitHub's names are case-insensitive. */
export const repositoryKey = (owner: string, name: string) =>
  `${owner}/${name}`.toLowerCase();
