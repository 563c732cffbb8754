import { LogoIcon } from './LogoIcon';
import styles from './Logo.module.css';

export const LogoFull = () => (
  <span className={styles.full}>
    <LogoIcon />
    <span className={styles.wordmark}>Paved</span>
  </span>
);
