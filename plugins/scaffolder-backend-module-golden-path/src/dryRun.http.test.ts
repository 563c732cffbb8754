import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import { parse } from 'yaml';
import goldenPath from './index';

/*
 * The golden paths through the scaffolder's own HTTP dry-run API
 * (POST /api/scaffolder/v2/dry-run, what the template editor calls): the real
 * scaffolder backend with this module, the real template files, test answers.
 */
jest.setTimeout(120_000);

const TEMPLATES = resolve(__dirname, '../../../templates');

/** A template directory as the dry-run API takes it. */
function directoryContents(dir: string) {
  const files: { path: string; base64Content: string }[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'node_modules') walk(full);
      } else {
        files.push({
          path: relative(dir, full),
          base64Content: readFileSync(full).toString('base64'),
        });
      }
    }
  };
  walk(dir);
  return files;
}

const catalogEntities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'logistics-routing', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'fulfilment', namespace: 'default' },
    spec: { owner: 'group:default/logistics-routing' },
  },
];

describe('the golden paths through the scaffolder dry-run API', () => {
  const root = createMockDirectory();
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        goldenPath,
        catalogServiceMock.factory({ entities: catalogEntities }),
        mockServices.rootConfig.factory({
          data: {
            paved: {
              goldenPath: {
                publish: {
                  target: 'local',
                  local: { directory: root.resolve('repos') },
                },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });
  afterAll(() => stop?.());

  const dryRun = (template: string, values: Record<string, unknown>) =>
    request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: parse(
          readFileSync(join(TEMPLATES, `${template}.yaml`), 'utf8'),
        ),
        values,
        secrets: {},
        // The template file's directory, with the template's own skeleton
        // and the shared one that its fetch steps render.
        directoryContents: directoryContents(TEMPLATES),
      });

  const answers = {
    name: 'parcel-tracker',
    description: 'Tracks parcels and vans for customers.',
    owner: 'group:default/logistics-routing',
    system: 'system:default/fulfilment',
    resources: { database: true, bucket: false },
  };

  it.each(['typescript-service', 'python-service'])(
    'renders %s, passes the guardrails and would publish and register it',
    async template => {
      const response = await dryRun(template, answers);

      expect(response.status).toBe(200);
      const files = new Map<string, string>(
        response.body.directoryContents.map(
          (f: { path: string; base64Content: string }) => [
            f.path,
            Buffer.from(f.base64Content, 'base64').toString('utf8'),
          ],
        ),
      );
      const catalogInfo = parse(files.get('catalog-info.yaml')!);
      expect(catalogInfo.metadata.name).toBe('parcel-tracker');
      expect(catalogInfo.spec.owner).toBe('group:default/logistics-routing');
      expect(files.get('k8s/base/deployment.yaml')).toContain(
        'backstage.io/kubernetes-id: parcel-tracker',
      );
      expect(files.has('.paved/answers.yaml')).toBe(true);
      // The optional resources answered in the form reach the Terraform.
      expect(files.get('infra/environments/production.tfvars')).toMatch(
        /database\s*=\s*true/,
      );
      expect(files.get('infra/environments/production.tfvars')).toMatch(
        /bucket\s*=\s*false/,
      );

      const messages: string[] = response.body.log.map(
        (l: { body: { message: string } }) => l.body.message,
      );
      // goldenpath:validate really ran over the rendered workspace...
      expect(messages.join('\n')).toMatch(/guardrails passed/i);
      // ...and the steps with side effects were only described.
      expect(
        response.body.steps.map((s: { action: string }) => s.action),
      ).toEqual(
        expect.arrayContaining([
          'fetch:template',
          'goldenpath:validate',
          'goldenpath:publish',
          'goldenpath:register',
        ]),
      );
      expect(messages.join('\n')).toMatch(/dry-run mode/);
    },
  );

  it('answers 400 naming the field when an answer breaks the form', async () => {
    const response = await dryRun('typescript-service', {
      ...answers,
      name: 'Parcel Tracker!',
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.errors)).toMatch(/name/);
  });

  it('validates a hostile 2 MB file in well under a second', async () => {
    const hostile = `password:${' '.repeat(2_000_000)}a\rb`;
    const template = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'hostile', namespace: 'default' },
      spec: {
        type: 'service',
        owner: 'group:default/logistics-routing',
        parameters: [],
        steps: [
          {
            id: 'fetch',
            name: 'Fetch',
            action: 'fetch:plain',
            input: { url: './skeleton' },
          },
          { id: 'validate', name: 'Validate', action: 'goldenpath:validate' },
        ],
      },
    };

    const start = Date.now();
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template,
        values: {},
        secrets: {},
        directoryContents: [
          {
            path: 'skeleton/config/hostile.yaml',
            base64Content: Buffer.from(hostile).toString('base64'),
          },
        ],
      });

    // The whole dry run: upload, fetch, the guardrails and the answer.
    expect(Date.now() - start).toBeLessThan(1000);
    // The step's InputError, as the dry-run API answers it.
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(
      'config/hostile.yaml: is too large to check as YAML (2000012 characters, the limit is 65536)',
    );
    expect(response.body.error.message).toContain(
      "config/hostile.yaml:1: contains a plaintext secret (literal 'password' value)",
    );
  });
});
