import { CATALOG_INFO } from '../testUtils';
import { checkCatalogInfo, checkOwnersExist } from './catalogInfo';
import { formatFinding } from './types';

async function check(content: string | undefined) {
  const files =
    content === undefined ? [] : [{ path: 'catalog-info.yaml', content }];
  const { findings, owners } = await checkCatalogInfo(files);
  return { findings: findings.map(formatFinding), owners };
}

function catalogInfoWith(search: string | RegExp, replacement: string) {
  const changed = CATALOG_INFO.replace(search, replacement);
  expect(changed).not.toBe(CATALOG_INFO);
  return changed;
}

describe('checkCatalogInfo', () => {
  it('passes a valid component and returns its owner as a full ref', async () => {
    expect(await check(CATALOG_INFO)).toEqual({
      findings: [],
      owners: [
        {
          file: 'catalog-info.yaml',
          line: 14,
          entityRef: 'group:default/checkout',
        },
      ],
    });
  });

  it('resolves a short owner against the entity namespace', async () => {
    const { owners } = await check(
      catalogInfoWith('owner: group:default/checkout', 'owner: checkout'),
    );
    expect(owners.map(o => o.entityRef)).toEqual(['group:default/checkout']);
  });

  it('reports a missing file', async () => {
    expect((await check(undefined)).findings).toEqual([
      'catalog-info.yaml: is missing — add a catalog-info.yaml that describes the component at the repository root',
    ]);
  });

  it('reports a file that does not parse', async () => {
    expect((await check('kind: Component\n  name: [x\n')).findings).toEqual([
      expect.stringMatching(/^catalog-info\.yaml:\d+: is not valid YAML/),
    ]);
  });

  it('reports an entity the catalog would reject', async () => {
    const { findings } = await check(
      catalogInfoWith('name: payments-api', 'name: Payments API!'),
    );
    expect(findings).toEqual([
      expect.stringMatching(
        /^catalog-info\.yaml:1: is not a valid catalog entity: "metadata\.name" is not valid/,
      ),
    ]);
  });

  it('requires an owner', async () => {
    const { findings, owners } = await check(
      catalogInfoWith(/\n {2}owner: .*/, ''),
    );
    expect(findings).toEqual([
      expect.stringContaining(
        "is not a valid catalog entity: /spec must have required property 'owner'",
      ),
    ]);
    expect(owners).toEqual([]);
  });

  it('lists every missing golden-path annotation', async () => {
    const { findings } = await check(
      catalogInfoWith(/\n {2}annotations:\n(?: {4}.*\n)+/, '\n'),
    );
    expect(findings).toEqual([
      "catalog-info.yaml:1: Component 'payments-api' has no 'backstage.io/techdocs-ref' annotation — point it at the docs (e.g. dir:.) for TechDocs",
      "catalog-info.yaml:1: Component 'payments-api' has no 'github.com/project-slug' annotation — set it to <org>/<repository> for the GitHub views",
      "catalog-info.yaml:1: Component 'payments-api' has no 'backstage.io/kubernetes-id' annotation — set it to the backstage.io/kubernetes-id label of the workloads for the Kubernetes view",
      "catalog-info.yaml:1: Component 'payments-api' has no 'paved.dev/template-version' annotation — record the golden-path template version that created the service",
    ]);
  });

  it('checks the component of a multi-document file', async () => {
    const api = `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments
spec:
  type: openapi
  lifecycle: experimental
  owner: group:default/payments
  definition: 'openapi: 3.0.0'
`;
    const withApiFirst = await check(`${api}---\n${CATALOG_INFO}`);
    expect(withApiFirst.findings).toEqual([]);
    expect(withApiFirst.owners.map(o => o.entityRef)).toEqual([
      'group:default/payments',
      'group:default/checkout',
    ]);

    const withoutAnnotation = await check(
      `${api}---\n${CATALOG_INFO.replace(/\n {4}paved\.dev.*/, '')}`,
    );
    expect(withoutAnnotation.findings).toEqual([
      expect.stringMatching(
        /^catalog-info\.yaml:11: Component 'payments-api' has no 'paved\.dev\/template-version'/,
      ),
    ]);
  });
});

describe('checkOwnersExist', () => {
  const known = new Set(['group:default/checkout']);
  const entityExists = async (ref: string) => known.has(ref);

  it('passes owners the catalog knows', async () => {
    expect(
      await checkOwnersExist(
        [{ file: 'catalog-info.yaml', entityRef: 'group:default/checkout' }],
        entityExists,
      ),
    ).toEqual([]);
  });

  it('reports owners the catalog does not know', async () => {
    const findings = await checkOwnersExist(
      [
        {
          file: 'catalog-info.yaml',
          line: 14,
          entityRef: 'group:default/chekout',
        },
      ],
      entityExists,
    );
    expect(findings.map(formatFinding)).toEqual([
      "catalog-info.yaml:14: spec.owner 'group:default/chekout' does not exist in the catalog — use an existing group or user",
    ]);
  });
});
