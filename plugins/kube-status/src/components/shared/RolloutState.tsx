import { Text } from '@backstage/ui';
import type { WorkloadStatus } from '@paved/plugin-kube-status-common';
import styles from './shared.module.css';

const stateLabels: Record<WorkloadStatus['rollout']['state'], string> = {
  complete: 'Complete',
  progressing: 'Progressing',
  stuck: 'Stuck',
  paused: 'Paused',
};

/** The rollout's state; a stuck one stands out with Kubernetes' reason. */
export const RolloutState = ({
  rollout,
}: {
  rollout: WorkloadStatus['rollout'];
}) => (
  <div>
    <Text
      variant="body-small"
      className={rollout.state === 'stuck' ? styles.stuck : undefined}
    >
      {stateLabels[rollout.state]}
      {rollout.revision !== undefined ? ` · revision ${rollout.revision}` : ''}
    </Text>
    {rollout.message && (
      <Text
        as="p"
        variant="body-x-small"
        color={rollout.state === 'stuck' ? undefined : 'secondary'}
        className={rollout.state === 'stuck' ? styles.danger : undefined}
      >
        {rollout.message}
      </Text>
    )}
  </div>
);
