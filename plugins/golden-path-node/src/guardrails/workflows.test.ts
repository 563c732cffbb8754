import { DEPLOY_WORKFLOW } from '../testUtils';
import { formatFinding, WorkspaceFile } from './types';
import { checkDoraWorkflows } from './workflows';

const check = (files: WorkspaceFile[]) =>
  checkDoraWorkflows(files).map(formatFinding);

const BUILD_WORKFLOW = `name: build
on: [pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: yarn test
`;

describe('checkDoraWorkflows', () => {
  it('passes when one workflow posts to the DORA event API', () => {
    expect(
      check([
        { path: '.github/workflows/build.yml', content: BUILD_WORKFLOW },
        { path: '.github/workflows/deploy.yml', content: DEPLOY_WORKFLOW },
      ]),
    ).toEqual([]);
  });

  it('reports a workspace without workflows', () => {
    expect(check([{ path: 'README.md', content: '# x' }])).toEqual([
      ".github/workflows: has no workflow — add a CI workflow that deploys and posts a deployment event to the portal's DORA event API (POST /api/dora/events)",
    ]);
  });

  it('reports workflows that never post to the DORA event API', () => {
    const commentOnly = `${BUILD_WORKFLOW}# TODO: curl /api/dora/events\n`;
    expect(
      check([
        { path: '.github/workflows/build.yml', content: commentOnly },
        // Not a workflow: outside .github/workflows.
        { path: 'scripts/deploy.yml', content: DEPLOY_WORKFLOW },
      ]),
    ).toEqual([
      ".github/workflows: has no workflow that posts to the portal's DORA event API (/api/dora/events) — add a step that POSTs a deployment event after each deploy",
    ]);
  });

  it('reports a workflow that does not parse', () => {
    expect(
      check([
        { path: '.github/workflows/deploy.yml', content: DEPLOY_WORKFLOW },
        { path: '.github/workflows/broken.yaml', content: 'on: [push\n' },
      ]),
    ).toEqual([
      expect.stringMatching(
        /^\.github\/workflows\/broken\.yaml:\d+: is not valid YAML/,
      ),
    ]);
  });
});
