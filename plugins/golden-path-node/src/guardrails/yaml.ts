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
 * Largest YAML file the guardrails parse. Golden-path YAML is a few KB (the
 * largest rendered file is a CI workflow of about 13 KB); the YAML parser's
 * cost on hostile input (thousands of errors, deep nesting) grows faster
 * than its size, so a larger file is reported instead of parsed.
 */
export const MAX_YAML_CHARS = 64 * 1024;

type ParseResult =
  | { parsed: ParsedYaml }
  | { error: { line?: number; message: string } };

/** One parse per file, shared by every check of a run. */
const parses = new WeakMap<WorkspaceFile, ParseResult>();

function parseOnce(file: WorkspaceFile): ParseResult {
  const cached = parses.get(file);
  if (cached) {
    return cached;
  }
  let result: ParseResult;
  if (file.content.length > MAX_YAML_CHARS) {
    result = {
      error: {
        message: `is too large to check as YAML (${file.content.length} characters, the limit is ${MAX_YAML_CHARS}) — split it into smaller files`,
      },
    };
  } else {
    const lineCounter = new LineCounter();
    // The parser builds an Error per problem; without stack traces hostile
    // input with thousands of problems stays cheap. prettyErrors would copy
    // the offending line into every message (quadratic on long lines), so
    // the position of the one error reported is computed here instead.
    const stackTraceLimit = Error.stackTraceLimit;
    let documents: Document.Parsed[];
    try {
      Error.stackTraceLimit = 0;
      documents = parseAllDocuments(file.content, {
        lineCounter,
        prettyErrors: false,
      }) as Document.Parsed[];
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    const error = documents.flatMap(doc => doc.errors)[0];
    if (error) {
      const position =
        error.pos[0] >= 0 ? lineCounter.linePos(error.pos[0]) : undefined;
      result = {
        error: {
          line: position?.line,
          message: `is not valid YAML (${error.message.split('\n')[0]}${
            position ? ` at line ${position.line}, column ${position.col}` : ''
          }) — fix the syntax so it can be checked`,
        },
      };
    } else {
      result = {
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
  }
  parses.set(file, result);
  return result;
}

/**
 * Parses every document of a YAML file (once per file). A syntax error, or a
 * file too large to parse, yields one finding (the same text from every
 * check, so the aggregate de-duplicates it).
 */
export function parseYamlFile(
  file: WorkspaceFile,
  check: GuardrailCheck,
): { parsed?: ParsedYaml; finding?: Finding } {
  const result = parseOnce(file);
  if ('parsed' in result) {
    return { parsed: result.parsed };
  }
  return {
    finding: {
      check,
      file: file.path,
      line: result.error.line,
      message: result.error.message,
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
