import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kubeStatusReadPermission } from '@paved/plugin-kube-status-common';
import type { KubeStatusService } from './service/KubeStatusService';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  status: KubeStatusService;
};

const entityQuery = z.object({
  entityRef: z
    .string({ required_error: 'entityRef is required' })
    .min(1, 'entityRef is required'),
});

function entityRefOf(query: unknown): string {
  const parsed = entityQuery.safeParse(query);
  if (!parsed.success) {
    throw new InputError(parsed.error.issues.map(i => i.message).join('; '));
  }
  return parsed.data.entityRef;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, status } = options;
  const router = Router();

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
    res.json(await status.entityStatus(entityRefOf(req.query), credentials));
  });

  router.get('/team', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(await status.teamStatus(entityRefOf(req.query), credentials));
  });

  return router;
}
