import { isScalar, visit } from 'yaml';
import { Finding, WorkspaceFile } from './types';
import { parseYamlFile } from './yaml';

/** The portal's DORA event API, which CI posts deployments to. */
export const DORA_EVENTS_PATH = '/api/dora/events';

export const WORKFLOWS_DIR = '.github/workflows';
const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/** True when a string in the workflow (not a comment) names the DORA event API. */
function postsDoraEvents(file: WorkspaceFile): boolean | Finding {
  const { parsed, finding } = parseYamlFile(file, 'workflows');
  if (finding) {
    return finding;
  }
  return parsed!.documents.some(doc => {
    let found = false;
    visit(doc, {
      Scalar(_, node) {
        if (
          isScalar(node) &&
          typeof node.value === 'string' &&
          node.value.includes(DORA_EVENTS_PATH)
        ) {
          found = true;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return found;
  });
}

/**
 * At least one GitHub Actions workflow reports deployments to the portal's
 * DORA event API, so the new service shows up on the delivery dashboards.
 */
export function checkDoraWorkflows(files: WorkspaceFile[]): Finding[] {
  const workflows = files.filter(f => WORKFLOW_FILE.test(f.path));
  if (workflows.length === 0) {
    return [
      {
        check: 'workflows',
        file: WORKFLOWS_DIR,
        message: `has no workflow — add a CI workflow that deploys and posts a deployment event to the portal's DORA event API (POST ${DORA_EVENTS_PATH})`,
      },
    ];
  }
  const findings: Finding[] = [];
  let posting = false;
  for (const workflow of workflows) {
    const result = postsDoraEvents(workflow);
    if (typeof result === 'boolean') {
      posting = posting || result;
    } else {
      findings.push(result);
    }
  }
  if (!posting) {
    findings.push({
      check: 'workflows',
      file: WORKFLOWS_DIR,
      message: `has no workflow that posts to the portal's DORA event API (${DORA_EVENTS_PATH}) — add a step that POSTs a deployment event after each deploy`,
    });
  }
  return findings;
}
