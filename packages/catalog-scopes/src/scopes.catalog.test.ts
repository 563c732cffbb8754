import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { CatalogScopeResolver } from './CatalogScopeResolver';

jest.setTimeout(120_000);

const DEPARTMENTS = 30;
const TEAMS_PER_DEPARTMENT = 10;

/** An organisation → 30 departments → 300 teams, one component per team. */
function organisationYaml(): string {
  const docs: object[] = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'organisation' },
      spec: {
        type: 'organization',
        children: Array.from({ length: DEPARTMENTS }, (_, d) => `dept-${d}`),
      },
    },
  ];
  for (let d = 0; d < DEPARTMENTS; d++) {
    const teams = Array.from(
      { length: TEAMS_PER_DEPARTMENT },
      (_, t) => `team-with-a-realistic-long-name-${d}-${t}`,
    );
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `dept-${d}` },
      spec: { type: 'department', parent: 'organisation', children: teams },
    });
    for (const team of teams) {
      docs.push(
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: team },
          spec: { type: 'team', parent: `dept-${d}`, children: [] },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: `service-of-${team}` },
          spec: { type: 'service', lifecycle: 'production', owner: team },
        },
      );
    }
  }
  return docs.map(doc => JSON.stringify(doc)).join('\n---\n');
}

/**
 * Through the real catalog backend and the real catalog client over HTTP:
 * a scope of hundreds of groups must not become one request URL over
 * Node's 16 KB header limit (which the catalog answers with 431).
 */
describe('CatalogScopeResolver against the real catalog', () => {
  it('resolves an organisation of 331 groups in bounded requests', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-scopes-'));
    const file = path.join(dir, 'organisation.yaml');
    fs.writeFileSync(file, organisationYaml());

    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(env) {
        env.registerInit({
          deps: {
            catalog: catalogServiceRef,
            httpRouter: coreServices.httpRouter,
            httpAuth: coreServices.httpAuth,
          },
          async init({ catalog, httpRouter, httpAuth }) {
            const router = express.Router();
            const scopes = CatalogScopeResolver.create({ catalog });
            router.get('/groups', async (req, res, next) => {
              try {
                const credentials = await httpAuth.credentials(req);
                const groups = await scopes.groupsOfType(
                  String(req.query.type),
                  { credentials },
                );
                res.json(
                  Object.fromEntries(
                    groups.map(g => [
                      g.entityRef,
                      g.members.map(m => m.entityRef),
                    ]),
                  ),
                );
              } catch (error) {
                next(error);
              }
            });
            router.get('/scope', async (req, res, next) => {
              try {
                const credentials = await httpAuth.credentials(req);
                const entityRef = req.query.entityRef;
                const scope =
                  typeof entityRef === 'string'
                    ? await scopes.resolve(entityRef, { credentials })
                    : await scopes.organisation({ credentials });
                res.json(scope.members.map(member => member.entityRef));
              } catch (error) {
                next(error);
              }
            });
            httpRouter.use(router);
          },
        });
      },
    });

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        probe,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Component', 'Group', 'Location'] }],
              locations: [{ type: 'file', target: file }],
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const get = (url: string) =>
      fetch(`http://localhost:${port}/api${url}`, {
        headers: { authorization: mockCredentials.user.header() },
      });
    try {
      // Wait until the catalog has processed every team's relations.
      const total = DEPARTMENTS * TEAMS_PER_DEPARTMENT;
      for (let waited = 0; ; waited += 500) {
        const res = await get(
          '/catalog/entities/by-query?filter=kind=component,relations.ownedBy&limit=1',
        );
        const body = await res.json();
        if (body.totalItems === total) break;
        if (waited > 90_000) throw new Error('the catalog did not load');
        await new Promise(resolve => setTimeout(resolve, 500));
      }

      const organisation = await get(
        '/probe/scope?entityRef=group:default/organisation',
      );
      expect(organisation.status).toBe(200);
      const refs: string[] = await organisation.json();
      expect(refs).toHaveLength(total);
      expect(refs).toContain(
        'component:default/service-of-team-with-a-realistic-long-name-29-9',
      );

      const department = await get(
        '/probe/scope?entityRef=group:default/dept-3',
      );
      expect(await department.json()).toHaveLength(TEAMS_PER_DEPARTMENT);

      // Every department and every team at once, each as resolve has it.
      const departments: Record<string, string[]> = await (
        await get('/probe/groups?type=department')
      ).json();
      expect(Object.keys(departments)).toHaveLength(DEPARTMENTS);
      const teams: Record<string, string[]> = await (
        await get('/probe/groups?type=team')
      ).json();
      expect(Object.keys(teams)).toHaveLength(total);
      expect(Object.values(teams).flat().sort()).toEqual(refs);
      expect(departments['group:default/dept-3']).toEqual(
        await (await get('/probe/scope?entityRef=group:default/dept-3')).json(),
      );

      // Every component, page by page: the organisation without a group.
      const everything = await get('/probe/scope');
      expect(await everything.json()).toEqual(refs);
    } finally {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
