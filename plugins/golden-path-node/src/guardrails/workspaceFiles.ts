import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { WorkspaceFile } from './types';

/** Directories that are not part of the rendered service. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

/** Larger files are generated artefacts, not something a template renders. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

function isBinary(buffer: Buffer): boolean {
  return buffer.subarray(0, 8000).includes(0);
}

/**
 * Reads the text files under `root`. Symbolic links are not followed, so
 * nothing outside the directory is read.
 */
export async function readWorkspaceFiles(
  root: string,
): Promise<WorkspaceFile[]> {
  const files: WorkspaceFile[] = [];
  async function walk(directory: string): Promise<void> {
    const entries = await readdir(directory, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) {
          await walk(path);
        }
      } else if (entry.isFile()) {
        if ((await lstat(path)).size > MAX_FILE_BYTES) {
          continue;
        }
        const buffer = await readFile(path);
        if (!isBinary(buffer)) {
          files.push({
            path: relative(root, path).split(sep).join('/'),
            content: buffer.toString('utf8'),
          });
        }
      }
    }
  }
  await walk(root);
  return files;
}
