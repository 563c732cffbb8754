import {
  CATALOG_INFO_FILE,
  checkCatalogInfo,
  checkOwnersExist,
} from './catalogInfo';
import { checkKubernetesManifests } from './kubernetes';
import { checkSecrets } from './secrets';
import { Finding, sortFindings, WorkspaceFile } from './types';
import { checkDoraWorkflows, WORKFLOWS_DIR } from './workflows';

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

/**
 * The guardrails over a change rather than a whole repository: every file
 * it holds is checked, but what a file outside the change may provide is
 * not asked for — a catalog-info.yaml only when the change holds one, and
 * no "no workflow reports deployments" when the repository's other
 * workflows may.
 */
export async function runChangeGuardrails(
  files: WorkspaceFile[],
  options: { entityExists: (entityRef: string) => Promise<boolean> },
): Promise<Finding[]> {
  const catalog = files.some(f => f.path === CATALOG_INFO_FILE)
    ? await checkCatalogInfo(files)
    : { findings: [], owners: [] };
  return sortFindings([
    ...checkKubernetesManifests(files),
    ...catalog.findings,
    ...(await checkOwnersExist(catalog.owners, options.entityExists)),
    ...checkSecrets(files),
    ...checkDoraWorkflows(files).filter(f => f.file !== WORKFLOWS_DIR),
  ]);
}
export { GUARDRAIL_RULES } from './rules';
