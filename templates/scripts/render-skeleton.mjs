#!/usr/bin/env node
/**
 * Renders a golden-path template the way the portal does, without a portal.
 * The template entity, templates/all.yaml and the rendered catalog-info.yaml
 * also go through the catalog's default entity policies and kind validators.
 *
 *   node templates/scripts/render-skeleton.mjs <template-file> <out-dir> [answers.json]
 *
 * e.g. templates/typescript-service.yaml. The template's directory is the
 * one fetch:template resolves its relative `url`s against: each golden path
 * renders its own skeleton and the shared one from there.
 *
 * It runs Backstage's own scaffolder code from node_modules: the template
 * entity is checked with the catalog's Template validator, the answers are
 * checked against the form's JSON schema, and the steps run through the
 * scaffolder's dry-run runner (NunjucksWorkflowRunner + the real
 * `fetch:template` action, i.e. the same nunjitsu renderer, filters and
 * `${{ }}` delimiters as a real run). The goldenpath:* actions are stand-ins
 * here that record their input; the real ones live in
 * plugins/scaffolder-backend-module-golden-path.
 *
 * Prints a JSON summary (step inputs, output links) and writes the rendered
 * workspace to <out-dir>. Exits non-zero when anything fails.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const yaml = require('yaml');
const { validate: validateJsonSchema } = require('jsonschema');
const { ConfigReader } = require('@backstage/config');
const { ScmIntegrations } = require('@backstage/integration');
const {
  templateEntityV1beta3Validator,
} = require('@backstage/plugin-scaffolder-common');
const {
  EntityPolicies,
  DefaultNamespaceEntityPolicy,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  componentEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
} = require('@backstage/catalog-model');
const {
  createTemplateAction,
  serializeDirectoryContents,
  deserializeDirectoryContents,
} = require('@backstage/plugin-scaffolder-node');
const {
  createFetchTemplateAction,
} = require('@backstage/plugin-scaffolder-backend');
// Not exported by the package: the dry-run runner behind POST /v2/dry-run.
const { createDryRunner } = require(path.join(
  path.dirname(require.resolve('@backstage/plugin-scaffolder-backend')),
  'scaffolder/dryrun/createDryRunner.cjs.js',
));

const DEFAULT_ANSWERS = {
  name: 'parcel-tracker',
  description:
    'Tracks parcels & vans: "where is my order?" <answers> for customers.',
  owner: 'group:default/logistics-routing',
  system: 'system:default/fulfilment',
  resources: { database: true, bucket: true },
};

/** The catalog's default entity policies plus the kind's own validator. */
async function checkEntity(where, entity, kindValidator) {
  const policy = EntityPolicies.allOf([
    new DefaultNamespaceEntityPolicy(),
    new NoForeignRootFieldsEntityPolicy(),
    new FieldFormatEntityPolicy(),
    new SchemaValidEntityPolicy(),
  ]);
  try {
    await policy.enforce(structuredClone(entity));
    if (!(await kindValidator.check(entity))) {
      fail(
        `${where}: not a ${entity.apiVersion} ${entity.kind} the catalog knows`,
      );
    }
  } catch (error) {
    fail(`${where}: the catalog would reject it: ${error.message}`);
  }
}

function fail(message) {
  console.error(`render-skeleton: ${message}`);
  process.exit(1);
}

async function main() {
  const [templateFileArg, outDirArg, answersFile] = process.argv.slice(2);
  if (!templateFileArg || !outDirArg) {
    fail('usage: render-skeleton.mjs <template-file> <out-dir> [answers.json]');
  }
  const templateFile = path.resolve(templateFileArg);
  const templateDir = path.dirname(templateFile);
  const outDir = path.resolve(outDirArg);
  const answers = answersFile
    ? JSON.parse(await fs.readFile(answersFile, 'utf8'))
    : DEFAULT_ANSWERS;

  // 1. The Template entity, parsed like the catalog does (yaml package).
  const entity = yaml.parse(await fs.readFile(templateFile, 'utf8'));
  await checkEntity(
    path.basename(templateFile),
    entity,
    templateEntityV1beta3Validator,
  );
  const location = yaml.parse(
    await fs.readFile(path.join(templateDir, 'all.yaml'), 'utf8'),
  );
  await checkEntity('all.yaml', location, locationEntityV1alpha1Validator);

  // 2. The answers against each form page, as the scaffolder router does.
  const pages = [entity.spec.parameters].flat();
  for (const page of pages) {
    const result = validateJsonSchema(answers, page);
    if (!result.valid) {
      fail(
        `answers do not satisfy page "${page.title}": ${result.errors
          .map(e => e.stack)
          .join('; ')}`,
      );
    }
  }

  // 3. The steps, through the scaffolder's dry-run runner.
  const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
  const recorded = {};
  const stub = (id, output) =>
    createTemplateAction({
      id,
      supportsDryRun: true,
      async handler(ctx) {
        recorded[id] = ctx.input;
        if (id === 'goldenpath:validate') {
          const files = await fs.readdir(ctx.workspacePath);
          if (!files.includes('catalog-info.yaml')) {
            throw new Error('workspace has no catalog-info.yaml');
          }
        }
        for (const [key, value] of Object.entries(output(ctx.input))) {
          ctx.output(key, value);
        }
      },
    });
  const actions = new Map(
    [
      createFetchTemplateAction({
        reader: { readTree: () => fail('no URL reads in a local render') },
        integrations,
      }),
      stub('goldenpath:validate', () => ({})),
      stub('goldenpath:publish', input => ({
        remoteUrl: `https://github.com/fernhill/${input.repoName}`,
        repoContentsUrl: `https://github.com/fernhill/${input.repoName}/blob/main`,
        catalogInfoUrl: `https://github.com/fernhill/${input.repoName}/blob/main/catalog-info.yaml`,
      })),
      stub('goldenpath:register', () => ({
        entityRef: `component:default/${answers.name}`,
      })),
    ].map(a => [a.id, a]),
  );
  const actionRegistry = {
    async get(id) {
      const action = actions.get(id);
      if (!action) throw new Error(`unknown action ${id}`);
      return action;
    },
    async list() {
      return actions;
    },
    register() {},
  };
  const quiet = {
    info() {},
    warn() {},
    debug() {},
    error: (...args) => console.error(...args),
    child() {
      return quiet;
    },
  };
  const noopInstrument = { add() {}, record() {} };
  const metrics = {
    createCounter: () => noopInstrument,
    createHistogram: () => noopInstrument,
    createGauge: () => noopInstrument,
    createUpDownCounter: () => noopInstrument,
  };

  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'render-skeleton-'));
  try {
    const contentsDir = path.join(work, 'template');
    const dryRun = createDryRunner({
      actionRegistry,
      integrations,
      workingDirectory: path.join(work, 'workspaces'),
      logger: quiet,
      metrics,
      config: new ConfigReader({}),
    });
    await fs.mkdir(path.join(work, 'workspaces'), { recursive: true });
    const result = await dryRun({
      spec: {
        ...entity.spec,
        apiVersion: entity.apiVersion,
        parameters: answers,
      },
      templateInfo: {
        entityRef: `template:default/${entity.metadata.name}`,
        baseUrl: pathToFileURL(
          path.join(contentsDir, path.basename(templateFile)),
        ).href,
        entity: { metadata: entity.metadata },
      },
      // The template file and the skeletons its fetch steps name, not the
      // other templates beside it.
      directoryContents: await serializeDirectoryContents(templateDir, {
        gitignore: false,
        globPatterns: [
          path.basename(templateFile),
          ...entity.spec.steps
            .filter(step => step.action === 'fetch:template')
            .map(step => `${path.posix.normalize(step.input.url)}/**`),
        ],
      }),
      secrets: {},
      credentials: {
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'user', userEntityRef: 'user:default/guest' },
      },
    });
    const errors = result.log.filter(
      l => l.body.status === 'failed' || /error/i.test(l.body.message ?? ''),
    );
    if (errors.length) {
      fail(
        `the run failed:\n${result.log.map(l => l.body.message).join('\n')}`,
      );
    }
    await fs.rm(outDir, { recursive: true, force: true });
    await deserializeDirectoryContents(outDir, result.directoryContents);
    const component = yaml.parse(
      await fs.readFile(path.join(outDir, 'catalog-info.yaml'), 'utf8'),
    );
    await checkEntity(
      'rendered catalog-info.yaml',
      component,
      componentEntityV1alpha1Validator,
    );
    console.log(
      JSON.stringify(
        {
          template: `template:default/${entity.metadata.name}`,
          files: result.directoryContents.length,
          outDir,
          fetchTemplateValues: JSON.parse(
            /inputs \(secrets redacted\): ([\s\S]*)$/.exec(
              result.log.find(
                l =>
                  l.body.stepId === 'fetch' &&
                  /dry-run mode/.test(l.body.message),
              )?.body.message ?? '',
            )?.[1] ?? '{}',
          ).values,
          goldenpathInputs: recorded,
          output: result.output,
        },
        null,
        2,
      ),
    );
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

main().catch(error => fail(error.stack ?? String(error)));
