import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { costSourcesExtensionPoint } from '@paved/plugin-cost-node';
import express from 'express';
import { retryAfterOnUnavailable } from '@paved/database-errors';
import { FocusFileImports, type FocusFileImport } from './FocusFileImports';
import { FocusSource, isValidImportName } from './FocusSource';
import { focusUploadHandler } from './uploadRoute';

const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

/** The scheduled task that checks the configured files. */
export const FOCUS_IMPORT_TASK_ID = 'cost-focus-imports';

/**
 * FOCUS billing exports as a cost source: the files in `cost.focus.imports`
 * (checked at start and on `cost.focus.schedule`, default every 10 minutes)
 * and uploads to `POST /api/cost/focus/imports?name=<import>`.
 */
export const costModuleFocus = createBackendModule({
  pluginId: 'cost',
  moduleId: 'focus',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        sources: costSourcesExtensionPoint,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        permissions,
        auditor,
        scheduler,
        sources,
      }) {
        const focus = config.getOptionalConfig('cost.focus');
        const source = FocusSource.create();
        sources.addSource(source);

        const uploads = express.Router();
        uploads.use(
          focusUploadHandler({
            source,
            httpAuth,
            permissions,
            auditor,
            maxBytes:
              focus?.getOptionalNumber('maxUploadBytes') ??
              DEFAULT_MAX_UPLOAD_BYTES,
          }),
        );
        // An upload that meets a lost database is a 503; tell the sender when to retry.
        uploads.use(retryAfterOnUnavailable());
        httpRouter.use(uploads);

        const imports: FocusFileImport[] = (
          focus?.getOptionalConfigArray('imports') ?? []
        ).map(entry => {
          const name = entry.getString('name');
          if (!isValidImportName(name)) {
            throw new Error(
              `cost.focus.imports: name "${name}" must be lower-case letters, digits and dashes`,
            );
          }
          return { name, path: entry.getString('path') };
        });
        if (imports.length === 0) {
          logger.info(
            'No FOCUS files configured (cost.focus.imports); uploads are still accepted',
          );
          return;
        }
        const files = FocusFileImports.create({ imports, source, logger });
        const schedule = focus?.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              focus.getConfig('schedule'),
            )
          : {
              frequency: { minutes: 10 },
              timeout: { minutes: 30 },
              initialDelay: { seconds: 15 },
            };
        await scheduler.scheduleTask({
          id: FOCUS_IMPORT_TASK_ID,
          scope: 'global',
          ...schedule,
          fn: async () => {
            await files.run();
          },
        });
      },
    });
  },
});
