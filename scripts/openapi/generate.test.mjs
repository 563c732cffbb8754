// Tests of the OpenAPI generator on a tiny document, generated into a
// temporary directory:
//   node --test scripts/openapi/generate.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'generate.mjs');

const SPEC = `
openapi: 3.1.0
info: { title: things, version: '1' }
components:
  schemas:
    Thing:
      description: One thing.
      type: object
      required: [ref, tags]
      properties:
        ref: { type: string }
        tags: { type: array, items: { type: string } }
        size: { type: integer }
paths:
  /things:
    get:
      operationId: ListThings
      parameters:
        - name: ownerRef
          in: query
          required: true
          allowReserved: true
          schema: { type: string, minLength: 1 }
        - name: tag
          in: query
          style: form
          explode: true
          schema: { type: array, items: { type: string } }
      responses:
        '200':
          description: The things.
          content:
            application/json:
              schema: { type: array, items: { $ref: '#/components/schemas/Thing' } }
    post:
      operationId: CreateThing
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Thing' }
      responses:
        '201':
          description: Created.
  /things/{name}:
    delete:
      operationId: DeleteThing
      parameters:
        - { name: name, in: path, required: true, schema: { type: string } }
      responses:
        '204':
          description: Deleted.
`;

/** Runs the generator on the tiny document; returns its exit and output. */
function generate(dir, ...extra) {
  const result = spawnSync(
    process.execPath,
    [
      script,
      '--spec',
      join(dir, 'openapi.yaml'),
      '--server-dir',
      join(dir, 'server'),
      '--client-dir',
      join(dir, 'client'),
      '--plugin-id',
      'things',
      ...extra,
    ],
    { encoding: 'utf8' },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

function withSpec(run) {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-generate-'));
  try {
    writeFileSync(join(dir, 'openapi.yaml'), SPEC);
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const read = (dir, file) => readFileSync(join(dir, file), 'utf8');
// Outside the repo prettier uses its default double quotes; accept either.
const quoted = text => `["']${text}["']`;

test('generates the typed server and client from the document', () =>
  withSpec(dir => {
    assert.equal(generate(dir).status, 0);

    const models = read(dir, 'server/models/index.ts');
    assert.match(models, /export type Thing = \{/);
    assert.match(models, /size\?: number;/);
    assert.equal(read(dir, 'client/models/index.ts'), models);

    const server = read(dir, 'server/apis/Api.server.ts');
    assert.match(
      server,
      new RegExp(`${quoted('#get\\|/things')}: ListThings;`),
    );
    assert.match(
      server,
      new RegExp(`${quoted('#post\\|/things')}: CreateThing;`),
    );
    assert.match(
      server,
      new RegExp(`${quoted('#_delete\\|/things/\\{name\\}')}: DeleteThing;`),
    );
    assert.match(server, /tag\?: Array<string>;/);
    assert.match(server, /response: Array<Thing>;/);

    // The router validates against the whole document, allowReserved included.
    const router = read(dir, 'server/router.ts');
    assert.match(
      router,
      /createValidatedOpenApiRouterFromGeneratedEndpointMap<EndpointMap>/,
    );
    assert.match(router, /allowReserved: true/);

    const client = read(dir, 'client/apis/Api.client.ts');
    assert.match(
      client,
      new RegExp(`export const pluginId = ${quoted('things')}`),
    );
    assert.match(client, /public async listThings\(/);
    assert.match(client, /public async createThing\(/);
    assert.match(client, /body: JSON\.stringify\(request\.body\)/);
    // Prettier may break the expression over lines: compare without spaces.
    // A path parameter that is an identifier is read with dot notation
    // (the repo's lint asks for it).
    assert.match(
      client.replace(/\s+/g, ''),
      /encodeURIComponent\(String\(request\.path\.name\)\)/,
    );
  }));

test('--check passes on fresh output and names stale and stray files', () =>
  withSpec(dir => {
    assert.equal(generate(dir).status, 0);
    assert.equal(generate(dir, '--check').status, 0);

    appendFileSync(join(dir, 'client/apis/Api.client.ts'), '// edited\n');
    writeFileSync(join(dir, 'server/stray.ts'), 'export {};\n');
    const stale = generate(dir, '--check');
    assert.equal(stale.status, 1);
    assert.match(stale.output, /client\/apis\/Api\.client\.ts/);
    assert.match(
      stale.output,
      /server\/stray\.ts \(not generated from the spec\)/,
    );

    // Generating again restores the edited file and removes the stray one.
    assert.equal(generate(dir).status, 0);
    assert.equal(existsSync(join(dir, 'server/stray.ts')), false);
    assert.equal(generate(dir, '--check').status, 0);
  }));

test('refuses a document it cannot express', () =>
  withSpec(dir => {
    writeFileSync(
      join(dir, 'openapi.yaml'),
      SPEC.replace('operationId: DeleteThing', 'summary: no operationId'),
    );
    const result = generate(dir);
    assert.equal(result.status, 1);
    assert.match(result.output, /delete \/things\/\{name\} has no operationId/);
  }));
