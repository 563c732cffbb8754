import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  Checkbox,
  CheckboxGroup,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Radio,
  RadioGroup,
  Select,
  TextAreaField,
  TextField,
} from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { ScorecardDefinitions } from '@paved/plugin-scorecards-common';
import { errorMessage, formatDay } from '@paved/portal-ui';
import { scorecardsApiRef } from '../api';
import { FormError } from './Announce';
import { expiryDay } from './ExceptionRequestDialog';

const DEADLINES = [14, 30, 60, 90];
const TEMPLATE_VERSION = 'paved.dev/template-version';
const NO_UPGRADE = 'none';

/** The golden paths a campaign can ask components to upgrade to. */
function useGoldenPathVersions() {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Template' },
      fields: ['kind', 'metadata', 'spec.type'],
    });
    return items.flatMap(template => {
      const version = template.metadata.annotations?.[TEMPLATE_VERSION];
      return version && template.spec?.type !== 'upgrade'
        ? [
            {
              ref: stringifyEntityRef(template),
              version,
              label: `Upgrade to ${
                template.metadata.title ?? template.metadata.name
              } v${version}`,
            },
          ]
        : [];
    });
  }, [catalogApi]);
}

/** "a, b ,c" as a list; empty as none. */
const listOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map(v => v.trim())
    .filter(Boolean);

/**
 * An admin asks components to pass checks, or to upgrade to a golden
 * path's current version, by a deadline. The components: every one (the
 * path's, for an upgrade), or those of some owners or of some types.
 */
export const StartCampaignDialog = ({
  definitions,
  onClose,
  onStarted,
}: {
  definitions: ScorecardDefinitions;
  onClose: () => void;
  onStarted: (title: string) => void;
}) => {
  const api = useApi(scorecardsApiRef);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [checkIds, setCheckIds] = useState<string[]>([]);
  const [owners, setOwners] = useState('');
  const [types, setTypes] = useState('');
  const [days, setDays] = useState('30');
  const paths = useGoldenPathVersions();
  const [upgradeRef, setUpgradeRef] = useState(NO_UPGRADE);
  const upgrade = paths.value?.find(p => p.ref === upgradeRef);
  const [state, submit] = useAsyncFn(async () => {
    const target = {
      ...(listOf(owners).length ? { owners: listOf(owners) } : {}),
      ...(listOf(types).length ? { types: listOf(types) } : {}),
      ...(upgrade ? { template: upgrade.ref } : {}),
    };
    const started = await api.startCampaign({
      title: title.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      checkIds,
      target,
      ...(upgrade ? { upgradeTo: upgrade.version } : {}),
      deadline: expiryDay(Number(days)),
    });
    onStarted(started.title);
  }, [
    api,
    title,
    description,
    checkIds,
    owners,
    types,
    days,
    upgrade,
    onStarted,
  ]);
  return (
    <Dialog
      isOpen
      onOpenChange={open => {
        if (!open) onClose();
      }}
      width={640}
      height="85vh"
    >
      <DialogHeader>Start a campaign</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="4">
          <FormError>
            {state.error && (
              <Alert
                status="danger"
                title="Could not start the campaign"
                description={errorMessage(state.error)}
              />
            )}
          </FormError>
          <TextField
            label="Title"
            description="What teams see in their reminders, e.g. “Every service on a current golden path”."
            value={title}
            onChange={setTitle}
            isRequired
            maxLength={200}
          />
          <TextAreaField
            label="Why"
            value={description}
            onChange={setDescription}
            rows={2}
            maxLength={4000}
          />
          <Select
            label="Template upgrade"
            description={
              paths.error
                ? `The golden paths could not be read: ${paths.error.message}`
                : 'Ask the components created from a golden path to be on its current version; the upgrade template opens the pull request.'
            }
            selectedKey={upgradeRef}
            onSelectionChange={key => setUpgradeRef(String(key))}
            options={[
              { id: NO_UPGRADE, label: 'No upgrade: checks only' },
              ...(paths.value ?? []).map(p => ({ id: p.ref, label: p.label })),
            ]}
          />
          <CheckboxGroup
            label={upgrade ? 'Checks to pass (optional)' : 'Checks to pass'}
            value={checkIds}
            onChange={setCheckIds}
            isRequired={!upgrade}
          >
            {definitions.checks.map(check => (
              <Checkbox key={check.id} value={check.id}>
                {check.title}
              </Checkbox>
            ))}
          </CheckboxGroup>
          <TextField
            label="Only components of these owners"
            description="Group refs, separated by commas, e.g. group:default/checkout. Empty: every owner."
            value={owners}
            onChange={setOwners}
          />
          <TextField
            label="Only components of these types"
            description="e.g. service, website. Empty: every type."
            value={types}
            onChange={setTypes}
          />
          <RadioGroup
            label="Deadline"
            value={days}
            onChange={setDays}
            orientation="horizontal"
            description={`On ${formatDay(expiryDay(Number(days)))}.`}
          >
            {DEADLINES.map(d => (
              <Radio key={d} value={String(d)}>
                In {d} days
              </Radio>
            ))}
          </RadioGroup>
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={onClose}>
          Cancel
        </Button>
        <Button
          variant="primary"
          isPending={state.loading}
          isDisabled={
            title.trim().length < 3 || (checkIds.length === 0 && !upgrade)
          }
          onPress={() => submit()}
        >
          Start campaign
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
