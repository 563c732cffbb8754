import { checkCatalogInfo, checkOwnersExist } from './catalogInfo';
import { checkKubernetesManifests } from './kubernetes';
import { checkSecrets } from './secrets';
import { Finding, sortFindings, WorkspaceFile } from './types';
import { checkDoraWorkflows } from './workflows';

export type { Finding, GuardrailCheck, WorkspaceFile } from './types';
export { formatFinding } from './types';
export { readWorkspaceFiles } from './workspaceFiles';
export {
  checkCatalogInfo,
  checkOwnersExist,
  REQUIRED_ANNOTATIONS,
} from './catalogInfo';
export { checkKubernetesManifests } from './kubernetes';
export { checkSecrets } from './secrets';
export { checkDoraWorkflows, DORA_EVENTS_PATH } from './workflows';

/** Every golden-path guardrail over a rendered workspace, sorted by file and line. */
export async function runGuardrails(
  files: WorkspaceFile[],
  options: { entityExists: (entityRef: string) => Promise<boolean> },
): Promise<Finding[]> {
  const catalog = await checkCatalogInfo(files);
  return sortFindings([
    ...checkKubernetesManifests(files),
    ...catalog.findings,
    ...(await checkOwnersExist(catalog.owners, options.entityExists)),
    ...checkSecrets(files),
    ...checkDoraWorkflows(files),
  ]);
}
export { readUnifiedDiff, type DiffFiles } from './diff';
