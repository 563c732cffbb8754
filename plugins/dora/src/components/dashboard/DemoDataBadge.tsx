import { RiFlaskLine } from '@remixicon/react';
import { useIsDemoData } from '../../hooks/useDoraData';
import styles from './dashboard.module.css';

/** Says so when the numbers come from generated demo history. */
export const DemoDataBadge = () => {
  const demo = useIsDemoData();
  if (!demo) return null;
  return (
    <span
      className={styles.demo}
      title="These numbers come from generated demo history (dora.demo.enabled), not from real deployments."
    >
      <RiFlaskLine size={14} aria-hidden />
      Demo data
    </span>
  );
};
