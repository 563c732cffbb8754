import { createFrontendModule } from '@backstage/frontend-plugin-api';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';

/**
 * Create shows developers what they need: the templates and their tasks.
 * The actions reference, the template editor and the templating
 * extensions are for those who manage templates (the
 * scaffolder.template.management permission; portal admins in Paved's
 * policy), so only they see those tabs.
 */
const forTemplateManagers = {
  permissions: { $contains: 'scaffolder.template.management' },
};

export const createModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [
    scaffolderPlugin
      .getExtension('sub-page:scaffolder/actions')
      .override({ if: forTemplateManagers }),
    scaffolderPlugin
      .getExtension('sub-page:scaffolder/editor')
      .override({ if: forTemplateManagers }),
    scaffolderPlugin
      .getExtension('sub-page:scaffolder/templating-extensions')
      .override({ if: forTemplateManagers }),
  ],
});
