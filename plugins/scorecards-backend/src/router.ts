import type express from 'express';
import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { retryAfterOnUnavailable } from '@paved/database-errors';
import {
  scorecardsCampaignCreatePermission,
  scorecardsExceptionDecidePermission,
  scorecardsExceptionRequestPermission,
  scorecardsReadPermission,
  scorecardsUsageRecordPermission,
} from '@paved/plugin-scorecards-common';
import { createOpenApiRouter } from './schema/openapi/generated';
import type { CampaignService } from './service/CampaignService';
import type { ExceptionService } from './service/ExceptionService';
import type { PortalUseService } from './service/PortalUseService';
import type { ScorecardService } from './service/ScorecardService';

/** History a roll-up draws without `days`. */
const DEFAULT_HISTORY_DAYS = 90;

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  scorecards: ScorecardService;
  exceptions: ExceptionService;
  campaigns: CampaignService;
  portalUse: PortalUseService;
};

/**
 * The routes of src/schema/openapi.yaml; the generated router has checked
 * each request's parameters against the spec (lengths, the history's
 * 1–366 days) before a handler runs.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    auditor,
    scorecards,
    exceptions,
    campaigns,
    portalUse,
  } = options;
  const router = await createOpenApiRouter();

  /** Every route reads: user or service credentials holding scorecards.read. */
  const readerCredentials = async (
    req: Parameters<HttpAuthService['credentials']>[0],
  ): Promise<BackstageCredentials> => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: scorecardsReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read scorecards');
    }
    return credentials;
  };

  router.get('/definitions', async (req, res) => {
    await readerCredentials(req);
    res.json(scorecards.definitions());
  });

  router.get('/entity', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(
      await scorecards.entityScorecard(req.query.entityRef, credentials),
    );
  });

  router.get('/rollup', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(
      await scorecards.rollup(
        req.query.entityRef,
        Number(req.query.days ?? DEFAULT_HISTORY_DAYS),
        credentials,
      ),
    );
  });

  router.get('/adoption', async (req, res) => {
    await readerCredentials(req);
    res.json(
      await scorecards.adoption(Number(req.query.days ?? DEFAULT_HISTORY_DAYS)),
    );
  });

  router.get('/usage', async (req, res) => {
    await readerCredentials(req);
    res.json(await portalUse.summary(Number(req.query.weeks ?? 12)));
  });

  router.post('/usage', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: scorecardsUsageRecordPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not record portal use');
    }
    res
      .status(202)
      .json({ counted: await portalUse.record(req.body.paths, credentials) });
  });

  router.get('/exceptions', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(
      await exceptions.list(
        { entityRef: req.query.entityRef, status: req.query.status },
        credentials,
      ),
    );
  });

  router.post('/exceptions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const audit = await auditor.createEvent({
      eventId: 'exception-request',
      severityLevel: 'medium',
      request: req,
      meta: { entityRef: req.body.entityRef, checkId: req.body.checkId },
    });
    try {
      // The component as the catalog names it, then: only its owners
      // (Paved's policy) may ask.
      const entityRef = await exceptions.componentRef(
        req.body.entityRef,
        credentials,
      );
      const [decision] = await permissions.authorize(
        [
          {
            permission: scorecardsExceptionRequestPermission,
            resourceRef: entityRef,
          },
        ],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `Only the owners of ${entityRef} may request an exception for it`,
        );
      }
      const { exception, created } = await exceptions.request(
        { ...req.body, entityRef },
        credentials,
      );
      await audit.success({ meta: { exceptionId: exception.id, created } });
      res.status(created ? 201 : 200).json(exception);
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  router.post('/exceptions/:id/decision', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const audit = await auditor.createEvent({
      eventId: 'exception-decision',
      severityLevel: 'medium',
      request: req,
      meta: { exceptionId: req.params.id, decision: req.body.decision },
    });
    try {
      const [decision] = await permissions.authorize(
        [{ permission: scorecardsExceptionDecidePermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError('Only admins may decide on exceptions');
      }
      const { exception, changed } = await exceptions.decide(
        req.params.id,
        req.body,
        credentials,
      );
      await audit.success({ meta: { changed } });
      res.json(exception);
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/campaigns', async (req, res) => {
    await readerCredentials(req);
    res.json(await campaigns.list());
  });

  router.get('/campaigns/entity', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(await campaigns.ofEntity(req.query.entityRef, credentials));
  });

  router.get('/campaigns/:id', async (req, res) => {
    const credentials = await readerCredentials(req);
    res.json(await campaigns.detail(req.params.id, credentials));
  });

  router.post('/campaigns', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const audit = await auditor.createEvent({
      eventId: 'campaign-start',
      severityLevel: 'medium',
      request: req,
      meta: { title: req.body.title, checkIds: req.body.checkIds },
    });
    try {
      const [decision] = await permissions.authorize(
        [{ permission: scorecardsCampaignCreatePermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError('Only admins may start campaigns');
      }
      const { campaign, created } = await campaigns.start(
        req.body,
        credentials,
      );
      await audit.success({ meta: { campaignId: campaign.id, created } });
      res.status(created ? 201 : 200).json(campaign);
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  // Backstage's error handler answers a 503 (the database out of reach)
  // without a retry hint; this adds `Retry-After` and passes it on.
  router.use(retryAfterOnUnavailable());
  return router;
}
