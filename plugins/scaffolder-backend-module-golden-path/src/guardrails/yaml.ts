import { Document, LineCounter, parseAllDocuments } from 'yaml';
import { Finding, GuardrailCheck, WorkspaceFile } from './types';

/** The parsed documents of one YAML file and a way to turn node ranges into lines. */
export interface ParsedYaml {
  documents: Document.Parsed[];
  /** 1-based line of a node, or of the document when the node is missing. */
  lineOf(node: unknown, fallback?: number): number | undefined;
}

export function isYamlFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses every document of a YAML file. A syntax error yields one finding
 * (the same text from every check, so the aggregate de-duplicates it).
 */
export function parseYamlFile(
  file: WorkspaceFile,
  check: GuardrailCheck,
): { parsed?: ParsedYaml; finding?: Finding } {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(file.content, { lineCounter });
  const error = documents.flatMap(doc => doc.errors)[0];
  if (error) {
    const line = error.linePos?.[0].line;
    return {
      finding: {
        check,
        file: file.path,
        line,
        message: `is not valid YAML (${
          error.message.split('\n')[0]
        }) — fix the syntax so it can be checked`,
      },
    };
  }
  return {
    parsed: {
      documents,
      lineOf(node, fallback) {
        const range = (node as { range?: [number, number, number] } | null)
          ?.range;
        return range ? lineCounter.linePos(range[0]).line : fallback;
      },
    },
  };
}

/** The plain value of a document; `undefined` when it cannot be built (e.g. alias bombs). */
export function toJS(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}
