import { cp, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import techdocsPlugin from '@backstage/plugin-techdocs-backend';
import { Publisher, TechdocsGenerator } from '@backstage/plugin-techdocs-node';
import {
  coreServices,
  createServiceFactory,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { summarisedLoggerServiceFactory } from './logging/summarisedLogger';

/*
 * TechDocs in production: built in CI, published to object storage with the
 * awsS3 publisher, and served by every replica from the bucket (no replica
 * builds or keeps docs of its own). s3rver stands in for the S3-compatible
 * store; the settings are those README.md, "Deploying to production", gives
 * for one (`endpoint`, `s3ForcePathStyle`).
 */

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer: { closeAllConnections(): void };
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverServer;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver: S3rverConstructor = require('s3rver');

const repoRoot = resolve(__dirname, '../../..');
const component = 'checkout-service';
const bucketName = 'paved-techdocs';
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: component, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-checkout' },
};

describe('TechDocs on object storage', () => {
  const workDir = createMockDirectory();
  let s3: S3rverServer;
  let endpoint: string;

  beforeAll(async () => {
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: workDir.resolve('bucket-store'),
      configureBuckets: [{ name: bucketName }],
    });
    const { port } = await s3.run();
    endpoint = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    // The SDK keeps its connections open; close them with the server.
    s3.httpServer.closeAllConnections();
    await s3.close();
  });

  const techdocsConfig = () => ({
    builder: 'external',
    publisher: {
      type: 'awsS3',
      awsS3: {
        bucketName,
        region: 'eu-west-1',
        endpoint,
        s3ForcePathStyle: true,
        // s3rver's fixed key pair.
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      },
    },
  });

  /** The TechDocs backend reading the bucket, as a replica runs it. */
  const techdocsBackend = () => [
    techdocsPlugin,
    // The reader's metadata is only given for an entity in the catalog.
    catalogServiceMock.factory({ entities: [entity] }),
    mockServices.rootConfig.factory({
      data: { techdocs: techdocsConfig() },
    }),
  ];

  /** What CI does: `techdocs-cli generate` and `techdocs-cli publish`. */
  async function buildAndPublish() {
    // The generator rewrites mkdocs.yml, so it builds a copy.
    const inputDir = workDir.resolve('input');
    const outputDir = workDir.resolve('site');
    await cp(join(repoRoot, 'catalog/components', component), inputDir, {
      recursive: true,
    });
    const config = mockServices.rootConfig({
      data: {
        techdocs: {
          ...techdocsConfig(),
          // As locally: the machine's mkdocs, without the techdocs-core plugin.
          generator: {
            runIn: 'local',
            mkdocs: { omitTechdocsCorePlugin: true },
          },
        },
      },
    });
    const logger = mockServices.logger.mock();
    await TechdocsGenerator.fromConfig(config, { logger }).run({
      inputDir,
      outputDir,
      // The generator only calls info, warn and debug, which LoggerService
      // has; its type names winston's Logger, which has more.
      logger: logger as unknown as Parameters<
        TechdocsGenerator['run']
      >[0]['logger'],
    });
    const publisher = await Publisher.fromConfig(config, {
      logger,
      discovery: mockServices.discovery(),
    });
    await publisher.publish({ entity, directory: outputDir });
    return outputDir;
  }

  it('serves docs that CI published to the bucket, byte for byte', async () => {
    const site = await buildAndPublish();

    const backend = await startTestBackend({ features: techdocsBackend() });
    try {
      const base = `http://localhost:${backend.server.port()}/api/techdocs/static/docs/default/component/${component}`;
      const read = (page: string) =>
        fetch(`${base}/${page}`, {
          headers: { authorization: mockCredentials.user.header() },
        });

      for (const page of [
        'index.html',
        'runbook/index.html',
        'images/architecture.svg',
      ]) {
        const res = await read(page);
        expect({ page, status: res.status }).toEqual({ page, status: 200 });
        const served = Buffer.from(await res.arrayBuffer());
        expect(served.equals(await readFile(join(site, page)))).toBe(true);
      }
      const index = await (await read('index.html')).text();
      expect(index).toContain('<title>Checkout Service</title>');

      // The reader checks the build's metadata (when it was built, its
      // files) before it shows a page.
      const metadata = await fetch(
        `http://localhost:${backend.server.port()}/api/techdocs/metadata/techdocs/default/component/${component}`,
        { headers: { authorization: mockCredentials.user.header() } },
      );
      expect(metadata.status).toBe(200);
      expect(await metadata.json()).toMatchObject({
        engine: 'mkdocs',
        build_timestamp: expect.any(Number),
        files: expect.arrayContaining(['index.html', 'runbook/index.html']),
      });

      const missing = await read('no-such-page/index.html');
      expect(missing.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('logs one line, not one per request, for files the bucket does not hold', async () => {
    const lines: string[] = [];
    const backend = await startTestBackend({
      features: [
        ...techdocsBackend(),
        recordingRootLogger(lines),
        summarisedLoggerServiceFactory,
      ],
    });
    try {
      // The search collator's pass over 20 entities without published docs.
      for (let i = 0; i < 20; i++) {
        const res = await fetch(
          `http://localhost:${backend.server.port()}/api/techdocs/static/docs/default/component/undocumented-${i}/search/search_index.json`,
          { headers: { authorization: mockCredentials.user.header() } },
        );
        expect(res.status).toBe(404);
      }
      const warnings = lines.filter(line =>
        line.includes('failed to serve static files'),
      );
      expect(warnings).toEqual([
        expect.stringContaining(
          'at key default/component/undocumented-0/search/search_index.json',
        ),
      ]);
    } finally {
      await backend.stop();
    }
  });
});

/** A root logger keeping every warning and error it is given. */
function recordingRootLogger(lines: string[]) {
  const logger: RootLoggerService = {
    error: message => lines.push(message),
    warn: message => lines.push(message),
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => logger,
  });
}
