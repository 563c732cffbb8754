import express from 'express';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { createOpenApiRouter } from './schema/openapi/generated';
import type { ChangeValidator } from './service/ChangeValidator';

/** The largest body `POST /validate` reads (a 400 beyond). */
const MAX_BODY = '4mb';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  validator: ChangeValidator;
};

/**
 * The routes of src/schema/openapi.yaml. The backend's auth policy has
 * refused a request without credentials before its body is read.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, validator } = options;
  const router = await createOpenApiRouter({
    middleware: [express.json({ limit: MAX_BODY })],
  });

  router.post('/validate', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await validator.validate(req.body, credentials));
  });

  return router;
}
