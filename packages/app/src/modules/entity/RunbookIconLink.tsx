import { useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { EntityIconLinkBlueprint } from '@backstage/plugin-catalog-react/alpha';
import techdocsPlugin from '@backstage/plugin-techdocs/alpha';
import { RiFirstAidKitLine } from '@remixicon/react';
import { RUNBOOK_ANNOTATION, runbookLocation } from './runbook';

function useRunbookIconLinkProps() {
  const { entity } = useEntity();
  const docRoot = useRouteRef(techdocsPlugin.routes.docRoot);
  const runbook = runbookLocation(entity);
  let href: string | undefined;
  if (runbook?.kind === 'url') {
    href = runbook.url;
  } else if (runbook && docRoot) {
    const site = docRoot({
      namespace: (entity.metadata.namespace ?? 'default').toLocaleLowerCase(
        'en-US',
      ),
      kind: entity.kind.toLocaleLowerCase('en-US'),
      name: entity.metadata.name,
    });
    const [page, anchor] = runbook.path.split('#');
    href = `${site}/${page.replace(/\/?$/, '/')}${anchor ? `#${anchor}` : ''}`;
  }
  return {
    label: 'Runbook',
    title: href
      ? `Open ${entity.metadata.title ?? entity.metadata.name}'s runbook`
      : `No runbook: add the ${RUNBOOK_ANNOTATION} annotation`,
    disabled: !href,
    icon: <RiFirstAidKitLine aria-hidden size={20} />,
    href,
  };
}

/**
 * "Runbook" beside "View source" and "View TechDocs" on the About card of
 * components that declare one (the paved.dev/runbook annotation, which the
 * golden-path templates write), so "where is its runbook?" is one click.
 */
export const runbookIconLink = EntityIconLinkBlueprint.make({
  name: 'runbook',
  params: {
    useProps: useRunbookIconLinkProps,
    filter: { kind: 'component' },
  },
});
