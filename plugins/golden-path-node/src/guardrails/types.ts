/** A text file of the rendered workspace, with a POSIX path relative to the checked directory. */
export interface WorkspaceFile {
  path: string;
  content: string;
}

/** The concern a guardrail finding belongs to. */
export type GuardrailCheck = 'kubernetes' | 'catalog' | 'secrets' | 'workflows';

/** One thing a developer has to fix before the golden path may continue. */
export interface Finding {
  check: GuardrailCheck;
  /** Path relative to the checked directory. */
  file: string;
  /** 1-based line, when the finding points at one. */
  line?: number;
  /** What is wrong and what to do about it; never contains a secret value. */
  message: string;
}

/** `file:line: message`, the line a developer acts on. */
export function formatFinding(finding: Finding): string {
  const location =
    finding.line === undefined
      ? finding.file
      : `${finding.file}:${finding.line}`;
  return `${location}: ${finding.message}`;
}

/** Stable order (by file, then line) and without duplicates. */
export function sortFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings
    .filter(finding => {
      const key = formatFinding(finding);
      if (seen.has(key)) {
        return false;
      }
      seen.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        a.file.localeCompare(b.file) ||
        (a.line ?? 0) - (b.line ?? 0) ||
        a.message.localeCompare(b.message),
    );
}
