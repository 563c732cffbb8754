import type { WorkspaceFile } from './types';

/** What a unified diff says about the files it changes. */
export type DiffFiles = {
  /** Files the diff creates, whole. */
  added: WorkspaceFile[];
  /**
   * Files the diff modifies, as far as it shows them: each added line at
   * its line number in the new file, every other line blank, so findings
   * point at the right line.
   */
  modified: WorkspaceFile[];
  /** Files the diff deletes. */
  deleted: string[];
};

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** `b/src/app.ts` → `src/app.ts`; undefined for /dev/null. */
function pathOf(header: string): string | undefined {
  const path = header.replace(/\t.*$/, '').trim();
  if (path === '/dev/null') return undefined;
  return path.replace(/^[ab]\//, '');
}

/**
 * Reads a unified diff (`git diff`, `diff -u`): the files it creates, whole,
 * and the lines it adds to the files it modifies. Throws on text that is
 * not a unified diff, saying where.
 */
export function readUnifiedDiff(diff: string): DiffFiles {
  const lines = diff.split(/\r?\n/);
  const result: DiffFiles = { added: [], modified: [], deleted: [] };
  let i = 0;
  let sawFile = false;
  while (i < lines.length) {
    if (!lines[i].startsWith('--- ')) {
      i++;
      continue;
    }
    if (!lines[i + 1]?.startsWith('+++ ')) {
      throw new Error(`line ${i + 2}: '---' is not followed by '+++'`);
    }
    sawFile = true;
    const from = pathOf(lines[i].slice(4));
    const to = pathOf(lines[i + 1].slice(4));
    i += 2;
    const content: string[] = [];
    while (i < lines.length && lines[i].startsWith('@@')) {
      const hunk = HUNK.exec(lines[i]);
      if (!hunk) throw new Error(`line ${i + 1}: not a hunk header`);
      let line = Number(hunk[1]);
      let left = hunk[2] === undefined ? 1 : Number(hunk[2]);
      i++;
      while (i < lines.length && left > 0) {
        const text = lines[i];
        if (text.startsWith('+')) {
          content[line - 1] = text.slice(1);
          line++;
          left--;
        } else if (text.startsWith(' ') || text === '') {
          content[line - 1] = '';
          line++;
          left--;
        } else if (!text.startsWith('-') && !text.startsWith('\\')) {
          throw new Error(`line ${i + 1}: not a line of a hunk`);
        }
        i++;
      }
      // "\ No newline at end of file" after the last line of a hunk.
      while (lines[i]?.startsWith('\\') || lines[i]?.startsWith('-')) i++;
    }
    if (!to) {
      if (from) result.deleted.push(from);
      continue;
    }
    const file = {
      path: to,
      content: Array.from(content, l => l ?? '').join('\n'),
    };
    (from ? result.modified : result.added).push(file);
  }
  if (!sawFile && diff.trim() !== '') {
    throw new Error("no file in it: a unified diff has '---' and '+++' lines");
  }
  return result;
}
