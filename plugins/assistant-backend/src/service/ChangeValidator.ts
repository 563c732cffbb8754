import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  checkSecrets,
  type Finding,
  readUnifiedDiff,
  runChangeGuardrails,
  type WorkspaceFile,
} from '@paved/plugin-golden-path-node';

/** The most files one change may hold, whole or in a diff. */
export const MAX_FILES = 200;
/** The most text one change may hold, in characters. */
export const MAX_CHANGE_CHARS = 4 * 1024 * 1024;

/** A change to check: whole files, a unified diff, or both. */
export type ChangeRequest = {
  files?: WorkspaceFile[];
  diff?: string;
};

export type ValidateResult = {
  passed: boolean;
  findings: Finding[];
  checked: string[];
  addedLinesOnly: string[];
};

/** `./k8s//a.yaml` → `k8s/a.yaml`; refuses paths that leave the repository. */
function repositoryPath(path: string): string {
  const parts = path
    .replace(/\\/g, '/')
    .split('/')
    .filter(p => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..') || path.startsWith('/')) {
    throw new InputError(
      `'${path}' is not a path inside the repository: use a relative path such as k8s/base/deployment.yaml`,
    );
  }
  return parts.join('/');
}

/**
 * Checks a change to a component's repository against the golden-path
 * guardrails before a human sees it: the files it sends whole, the files a
 * diff creates, and the lines a diff adds to files it modifies (secrets
 * only: a manifest is checked whole or not at all). Owners a
 * catalog-info.yaml names are looked up with the caller's credentials.
 */
export class ChangeValidator {
  readonly #catalog: CatalogService;

  constructor(options: { catalog: CatalogService }) {
    this.#catalog = options.catalog;
  }

  async validate(
    change: ChangeRequest,
    credentials: BackstageCredentials,
  ): Promise<ValidateResult> {
    if (!change.files?.length && !change.diff?.trim()) {
      throw new InputError(
        'Send the change as files (each path with its whole content) or as diff (a unified diff)',
      );
    }
    let fromDiff: ReturnType<typeof readUnifiedDiff> = {
      added: [],
      modified: [],
      deleted: [],
    };
    if (change.diff) {
      try {
        fromDiff = readUnifiedDiff(change.diff);
      } catch (error) {
        throw new InputError(
          `diff is not a unified diff: ${(error as Error).message}`,
        );
      }
    }
    const whole = new Map<string, WorkspaceFile>();
    // Whole files sent beside a diff win over what the diff shows of them.
    for (const file of [...fromDiff.added, ...(change.files ?? [])]) {
      const path = repositoryPath(file.path);
      whole.set(path, { path, content: file.content });
    }
    const partial = fromDiff.modified
      .map(file => ({ ...file, path: repositoryPath(file.path) }))
      .filter(file => !whole.has(file.path));
    const files = [...whole.values()];
    if (files.length + partial.length > MAX_FILES) {
      throw new InputError(
        `The change holds ${
          files.length + partial.length
        } files; at most ${MAX_FILES} are checked at once — split it`,
      );
    }
    const size = [...files, ...partial].reduce(
      (sum, f) => sum + f.content.length,
      0,
    );
    if (size > MAX_CHANGE_CHARS) {
      throw new InputError(
        `The change holds ${size} characters; at most ${MAX_CHANGE_CHARS} are checked at once — split it`,
      );
    }
    const findings = [
      ...(await runChangeGuardrails(files, {
        entityExists: async entityRef =>
          Boolean(
            await this.#catalog.getEntityByRef(entityRef, { credentials }),
          ),
      })),
      ...checkSecrets(partial),
    ];
    return {
      passed: findings.length === 0,
      findings,
      checked: files.map(f => f.path).sort(),
      addedLinesOnly: partial.map(f => f.path).sort(),
    };
  }
}
