import express from 'express';
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kubeStatusReadPermission } from '@paved/plugin-kube-status-common';
import type { KubeStatusService } from './service/KubeStatusService';
import { PRODUCTION } from './status/liveChecks';
import { createOpenApiRouter } from './schema/openapi/generated';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  status: KubeStatusService;
};

/**
 * The routes of src/schema/openapi.yaml. The generated router has already
 * checked each request against the spec (entityRef present and non-empty,
 * environment well-formed, no unknown parameters);
 * what the spec cannot say (a ref that parses, of the right kind, in the
 * catalog) the status service checks.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, status } = options;
  const router = await createOpenApiRouter();

  /** Every route reads: user or service credentials holding kube-status.read. */
  const readerCredentials = async (
    req: express.Request,
  ): Promise<BackstageCredentials> => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: kubeStatusReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read the Kubernetes status');
    }
    return credentials;
  };

  router.get('/entity', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(await status.entityStatus(req.query.entityRef, credentials));
  });

  router.get('/team', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(await status.teamStatus(req.query.entityRef, credentials));
  });

  // Organisation-wide, for the scorecards backend (with its own service
  // credentials): the catalog's read rules still decide what it lists.
  router.get('/components', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(
      await status.componentsLiveChecks(
        req.query.environment ?? PRODUCTION,
        credentials,
      ),
    );
  });

  return router;
}
