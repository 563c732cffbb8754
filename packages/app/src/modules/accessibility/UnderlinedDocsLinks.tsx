import { useEffect } from 'react';
import { useShadowRoot } from '@backstage/plugin-techdocs-react';

/**
 * Links in TechDocs text are told apart by colour alone; in the dark theme
 * the link blue is 1.7:1 against the body text, below the 3:1 WCAG asks of
 * a link that is not otherwise marked. Underlined, they need no colour.
 */
export const UNDERLINED_LINKS_CSS =
  '.md-content .md-typeset a:not(.headerlink):not(.md-content__button) { text-decoration: underline; }';

export const UnderlinedDocsLinks = () => {
  const shadowRoot = useShadowRoot();
  useEffect(() => {
    if (!shadowRoot) return undefined;
    const style = document.createElement('style');
    style.dataset.pavedAddon = 'underlined-links';
    style.textContent = UNDERLINED_LINKS_CSS;
    shadowRoot.appendChild(style);
    return () => style.remove();
  }, [shadowRoot]);
  return null;
};
