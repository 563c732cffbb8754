/**
 * Repairs of the markup of stock Backstage and third-party components that
 * axe-core (WCAG 2.1 A and AA) reports as serious or critical and that no
 * prop or configuration of theirs reaches. Each repair names the component
 * it mends and leaves its behaviour intact for mouse and keyboard; each
 * finds nothing to do once done, so they can run on every change of the
 * page.
 *
 * When a component upstream is fixed, its repair finds nothing to do.
 */

/** A repair: what it looks for, and what it does to each element found. */
type StockRepair = {
  name: string;
  selector: string;
  repair(element: Element): void;
};

export const stockRepairs: StockRepair[] = [
  {
    // material-table (Backstage's Table: Catalog, Docs, APIs, tasks,
    // notifications) wraps each column title in a react-beautiful-dnd drag
    // handle — a second "button", with no name and a tab stop of its own,
    // inside the column's sort button. Sorting stays a button; the drag
    // handle stops being a control (columns still move with the mouse).
    name: 'column-drag-handle',
    selector: 'thead [data-rbd-drag-handle-draggable-id][role]',
    repair(handle) {
      handle.removeAttribute('role');
      handle.removeAttribute('aria-describedby');
      handle.setAttribute('tabindex', '-1');
    },
  },
  {
    // Backstage UI's header tabs (Create, Settings) are links to
    // sub-pages, rendered as react-aria tabs whose aria-controls names a
    // tab panel that is never rendered. A reference to nothing is removed.
    name: 'tab-without-panel',
    selector: '[role="tab"][aria-controls]',
    repair(tab) {
      const panel = tab.getAttribute('aria-controls')!;
      if (!tab.ownerDocument.getElementById(panel)) {
        tab.removeAttribute('aria-controls');
      }
    },
  },
  {
    // The scaffolder's template cards (Create, the home page's featured
    // templates): a "Show template entity detail" icon button wrapping a
    // link that has no name and is a second tab stop. The link leaves the
    // tab order and the accessibility tree as a link (its href kept in
    // data-href; a click on the icon still reaches its handler), and the
    // button, which has the name, follows it when pressed.
    name: 'template-detail-button',
    selector: 'button[id^="viewDetail-"]',
    repair(button) {
      const link = button.querySelector('a[href]');
      if (!link) return;
      link.setAttribute('data-href', link.getAttribute('href')!);
      link.removeAttribute('href');
      button.addEventListener('click', event => {
        if (!link.contains(event.target as Node)) {
          (link as HTMLElement).click();
        }
      });
    },
  },
  {
    // Swagger UI (an API's Definition tab) puts each operation's deep
    // link inside the button that opens the operation: the button keeps
    // opening it; the nested link stops being a second control.
    name: 'link-in-button',
    selector: '.swagger-ui button a[href]',
    repair(link) {
      link.setAttribute('data-href', link.getAttribute('href')!);
      link.removeAttribute('href');
    },
  },
  {
    // Material UI's CircularProgress, Backstage's loading spinner on many
    // stock cards (a user's profile among them), has no name: a screen
    // reader announces an unnamed progress bar.
    name: 'unnamed-progress',
    selector:
      '[role="progressbar"]:not([aria-label]):not([aria-labelledby]):not([title])',
    repair(progress) {
      progress.setAttribute('aria-label', 'Loading');
    },
  },
  {
    // Swagger UI's server picker has no label.
    name: 'unlabelled-server-picker',
    selector: '.swagger-ui select#servers:not([aria-label])',
    repair(select) {
      select.setAttribute('aria-label', 'Servers');
    },
  },
  {
    // The home page's visited lists put their empty-state sentence ("no
    // visits yet") straight into the list: it becomes the list's one item.
    name: 'text-in-list',
    selector: 'ul:not([role]) > p:not([role])',
    repair(text) {
      text.setAttribute('role', 'listitem');
    },
  },
  {
    // The Search page lists its results as list items with no list
    // around them (beside the pagination, in a grid cell). Each result
    // becomes an article: a self-contained item a screen reader steps
    // through, without claiming a list that is not there.
    name: 'orphan-list-item',
    selector: 'li:not([role])',
    repair(item) {
      const parent = item.parentElement;
      if (!parent) return;
      const listRole = parent.getAttribute('role');
      if (
        ['UL', 'OL', 'MENU'].includes(parent.tagName) ||
        listRole === 'list' ||
        listRole === 'listbox' ||
        listRole === 'menu' ||
        listRole === 'tree' ||
        listRole === 'group'
      ) {
        return;
      }
      item.setAttribute('role', 'article');
    },
  },
];

/** Applies every repair to `root` and the elements under it. */
export function repairStockMarkup(root: ParentNode) {
  for (const { selector, repair } of stockRepairs) {
    if (root instanceof Element && root.matches(selector)) repair(root);
    root.querySelectorAll(selector).forEach(repair);
  }
}

/**
 * Repairs the document now and every element added to it, or given one of
 * the attributes the repairs look at, later. Returns a function that stops
 * watching.
 */
export function watchStockMarkup(document: Document): () => void {
  repairStockMarkup(document);
  const observer = new MutationObserver(mutations => {
    for (const mutation of mutations) {
      if (mutation.type === 'attributes') {
        repairStockMarkup(mutation.target as Element);
      }
      mutation.addedNodes.forEach(node => {
        if (node instanceof Element) repairStockMarkup(node);
      });
    }
  });
  // Components also set these attributes on elements already shown
  // (react-aria's tabs get aria-controls after they are inserted).
  observer.observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['aria-controls', 'href', 'role'],
  });
  return () => observer.disconnect();
}
