import type { MouseEvent, ReactNode } from 'react';
import { AppRootWrapperBlueprint } from '@backstage/plugin-app-react';
import styles from './SkipToContent.module.css';

/**
 * Moves the keyboard focus past the sidebar to the page itself: its main
 * landmark, or else its title (every Paved page has an h1; the sidebar's
 * logo is one too, so not that).
 */
function moveFocusToContent(event: MouseEvent<HTMLAnchorElement>) {
  const target =
    document.querySelector<HTMLElement>('main') ??
    [...document.querySelectorAll<HTMLElement>('h1')].find(
      heading => !heading.closest('nav'),
    );
  if (!target) {
    return;
  }
  event.preventDefault();
  if (!target.hasAttribute('tabindex')) {
    target.setAttribute('tabindex', '-1');
  }
  target.focus();
  target.scrollIntoView({ block: 'start' });
}

const SkipToContentWrapper = ({ children }: { children: ReactNode }) => (
  <>
    <a className={styles.skip} href="#content" onClick={moveFocusToContent}>
      Skip to content
    </a>
    {children}
  </>
);

/** The first stop of the Tab key on every page: "Skip to content". */
export const skipToContentLink = AppRootWrapperBlueprint.make({
  name: 'skip-to-content',
  params: { component: SkipToContentWrapper },
});
