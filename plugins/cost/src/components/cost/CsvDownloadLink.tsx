import type { MouseEvent } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { useApi } from '@backstage/frontend-plugin-api';
import { Text } from '@backstage/ui';
import { RiDownload2Line } from '@remixicon/react';
import { parseEntityRef } from '@backstage/catalog-model';
import { saveBlob } from '@paved/portal-ui';
import { costApiRef, type CostWindow } from '../../api';
import styles from './cost.module.css';

/**
 * A link to the entity's cost rows as CSV. The href is the export's real
 * URL (to copy or open in a new tab); a click downloads through the fetch
 * API, because a plain navigation would carry no Backstage token.
 */
export const CsvDownloadLink = ({
  entityRef,
  window,
}: {
  entityRef: string;
  window: CostWindow;
}) => {
  const costApi = useApi(costApiRef);
  const { value: href } = useAsync(
    () => costApi.getExportUrl(entityRef, window),
    [costApi, entityRef, window.from, window.to],
  );
  const filename = `cost-${parseEntityRef(entityRef).name}-${window.from}-${
    window.to
  }.csv`;
  const [state, download] = useAsyncFn(async () => {
    saveBlob(await costApi.exportCsv(entityRef, window), filename);
  }, [costApi, entityRef, window.from, window.to, filename]);
  if (!href) return null;
  return (
    <span>
      <a
        className={styles.download}
        href={href}
        download={filename}
        aria-busy={state.loading}
        onClick={(event: MouseEvent) => {
          event.preventDefault();
          download();
        }}
      >
        <RiDownload2Line size={16} aria-hidden />
        Download CSV
      </a>
      {state.error && (
        <Text as="p" variant="body-x-small" color="danger">
          Could not download the CSV: {state.error.message}
        </Text>
      )}
    </span>
  );
};
