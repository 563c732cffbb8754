import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { Publisher } from '@backstage/plugin-techdocs-node';
import { scorecardsPermissions } from '@paved/plugin-scorecards-common';
import {
  type ScorecardCheck,
  scorecardChecksExtensionPoint,
} from '@paved/plugin-scorecards-node';
import { registerScorecardActions } from './actions';
import { builtinChecks } from './checks/builtinChecks';
import { checkLevels } from './checks/levels';
import { configuredCheck } from './checks/configuredChecks';
import { readScorecardsConfig } from './config';
import { AdoptionStore } from './database/AdoptionStore';
import { CampaignStore } from './database/CampaignStore';
import { ExceptionStore } from './database/ExceptionStore';
import { PortalUseStore } from './database/PortalUseStore';
import { ScorecardStore } from './database/ScorecardStore';
import { createRouter } from './router';
import { CampaignService } from './service/CampaignService';
import { ExceptionNotices } from './service/ExceptionNotices';
import { ExceptionService } from './service/ExceptionService';
import { DemoHistory } from './service/DemoHistory';
import { FactSources } from './service/FactSources';
import { PortalUseService } from './service/PortalUseService';
import { ScorecardEvaluator } from './service/ScorecardEvaluator';
import { ScorecardService } from './service/ScorecardService';
import { UpgradeRuns } from './service/UpgradeRuns';
import { TemplateVersionStore } from './database/TemplateVersionStore';

/**
 * Scorecards: every component checked against the platform's standards on
 * a schedule, its level stored with daily history, and roll-ups for teams,
 * systems and the organisation.
 *
 * @public
 */
export const scorecardsPlugin = createBackendPlugin({
  pluginId: 'scorecards',
  register(env) {
    const added = new Map<string, ScorecardCheck>();
    env.registerExtensionPoint(scorecardChecksExtensionPoint, {
      addCheck(...checks) {
        for (const check of checks) {
          if (added.has(check.id)) {
            throw new Error(`A scorecard check ${check.id} is already added`);
          }
          added.set(check.id, check);
        }
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        notifications: notificationService,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        deps.permissionsRegistry.addPermissions(scorecardsPermissions);
        const config = readScorecardsConfig(deps.config);
        const own = builtinChecks(config);
        for (const check of own) {
          if (added.has(check.id)) {
            throw new Error(
              `The scorecard check ${check.id} is one of Paved's own`,
            );
          }
        }
        const ids = new Set([...own, ...added.values()].map(c => c.id));
        for (const configured of config.checks) {
          if (ids.has(configured.id)) {
            throw new Error(
              `scorecards.checks: ${configured.id} is already a check (Paved's own or a module's); choose another id`,
            );
          }
        }
        const checks = [
          ...own,
          ...added.values(),
          ...config.checks.map(configuredCheck),
        ];
        checkLevels(
          config.levels,
          checks.map(c => c.id),
        );
        const store = await ScorecardStore.create({ database: deps.database });
        const exceptionStore = await ExceptionStore.create({
          database: deps.database,
        });
        const campaignStore = await CampaignStore.create({
          database: deps.database,
        });
        const adoptionStore = await AdoptionStore.create({
          database: deps.database,
        });
        const portalUseStore = await PortalUseStore.create({
          database: deps.database,
        });
        const versionStore = await TemplateVersionStore.create({
          database: deps.database,
        });
        const portalUse = new PortalUseService(portalUseStore);
        const demoHistory = new DemoHistory({
          days: config.demoHistoryDays,
          levels: config.levels,
          scorecards: store,
          adoption: adoptionStore,
          portalUse: portalUseStore,
          versions: versionStore,
        });
        const notices = new ExceptionNotices({
          notifications: deps.notifications,
          exceptions: exceptionStore,
          config: config.exceptions,
          checks,
          logger: deps.logger,
        });
        const sources = FactSources.create({
          auth: deps.auth,
          discovery: deps.discovery,
          logger: deps.logger,
          config: deps.config,
          // The storage the TechDocs backend publishes to and reads from.
          docsPublisher: () =>
            Publisher.fromConfig(deps.config, {
              logger: deps.logger,
              discovery: deps.discovery,
            }),
        });
        const evaluator = ScorecardEvaluator.create({
          catalog: deps.catalog,
          auth: deps.auth,
          sources,
          store,
          campaigns: campaignStore,
          adoption: adoptionStore,
          versions: versionStore,
          checks,
          levels: config.levels,
          logger: deps.logger,
        });
        const campaigns = CampaignService.create({
          store: campaignStore,
          catalog: deps.catalog,
          checks,
          notifications: deps.notifications,
          logger: deps.logger,
          recordNow: campaignId => evaluator.recordCampaign(campaignId),
          upgradeRuns: new UpgradeRuns({
            auth: deps.auth,
            discovery: deps.discovery,
            catalog: deps.catalog,
            logger: deps.logger,
          }),
        });
        await deps.scheduler.scheduleTask({
          id: 'scorecards-evaluate',
          ...config.schedule,
          fn: async () => {
            const started = new Date();
            // Expiries first, so this pass counts the checks again.
            const { expired, reminded } = await notices.run(started);
            const evaluated = await evaluator.evaluateAll(started);
            // The local demo's made-up past (config: demoHistoryDays).
            await demoHistory.fill(started);
            // After the pass, so reminders go to those still not done.
            const campaignReminders = await campaigns.remind(started);
            await portalUse.prune(started);
            deps.logger.info(
              `Scorecards: evaluated ${evaluated} components in ${
                Date.now() - started.getTime()
              } ms; exceptions expired ${expired}, owners reminded ${reminded}; campaign reminders ${campaignReminders}`,
            );
          },
        });
        const scorecards = ScorecardService.create({
          store,
          adoption: adoptionStore,
          exceptions: exceptionStore,
          catalog: deps.catalog,
          checks,
          levels: config.levels,
          exceptionMaxDays: config.exceptions.maxDays,
        });
        const exceptions = ExceptionService.create({
          store: exceptionStore,
          catalog: deps.catalog,
          checks,
          levels: config.levels,
          config: config.exceptions,
          notices,
        });
        registerScorecardActions(deps.actionsRegistry, scorecards);
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            scorecards,
            exceptions,
            campaigns,
            portalUse,
          }),
        );
      },
    });
  },
});
