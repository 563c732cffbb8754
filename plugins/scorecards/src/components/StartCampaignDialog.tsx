import { useState } from 'react';
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
  TextAreaField,
  TextField,
} from '@backstage/ui';
import type { ScorecardDefinitions } from '@paved/plugin-scorecards-common';
import { errorMessage, formatDay } from '@paved/portal-ui';
import { scorecardsApiRef } from '../api';
import { FormError } from './Announce';
import { expiryDay } from './ExceptionRequestDialog';

const DEADLINES = [14, 30, 60, 90];

/** "a, b ,c" as a list; empty as none. */
const listOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map(v => v.trim())
    .filter(Boolean);

/**
 * An admin asks components to pass checks by a deadline. The components:
 * every one, or those of some owners or of some types.
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
  const [state, submit] = useAsyncFn(async () => {
    const target = {
      ...(listOf(owners).length ? { owners: listOf(owners) } : {}),
      ...(listOf(types).length ? { types: listOf(types) } : {}),
    };
    const started = await api.startCampaign({
      title: title.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      checkIds,
      target,
      deadline: expiryDay(Number(days)),
    });
    onStarted(started.title);
  }, [api, title, description, checkIds, owners, types, days, onStarted]);
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
          <CheckboxGroup
            label="Checks to pass"
            value={checkIds}
            onChange={setCheckIds}
            isRequired
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
          isDisabled={title.trim().length < 3 || checkIds.length === 0}
          onPress={() => submit()}
        >
          Start campaign
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
