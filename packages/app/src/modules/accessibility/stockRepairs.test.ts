import { repairStockMarkup, watchStockMarkup } from './stockRepairs';

function render(html: string) {
  document.body.innerHTML = html;
  return document.body;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('repairStockMarkup', () => {
  it('leaves a table column one button: the sort, not a nameless drag handle inside it', () => {
    render(`
      <table><thead><tr><th>
        <span role="button" tabindex="0" class="MuiTableSortLabel-root">
          <div data-rbd-drag-handle-draggable-id="1" tabindex="0" role="button"
               aria-describedby="rbd-hidden-text">Name</div>
        </span>
      </th></tr></thead></table>`);
    repairStockMarkup(document);
    const handle = document.querySelector(
      '[data-rbd-drag-handle-draggable-id]',
    )!;
    expect(handle.getAttribute('role')).toBeNull();
    expect(handle.getAttribute('tabindex')).toBe('-1');
    expect(handle.getAttribute('aria-describedby')).toBeNull();
    expect(
      document.querySelector('.MuiTableSortLabel-root')!.getAttribute('role'),
    ).toBe('button');
  });

  it('drops a tab’s reference to a panel that is not there, and keeps one that is', () => {
    render(`
      <div role="tablist">
        <a role="tab" id="t1" aria-controls="missing" href="/create/templates">Templates</a>
        <a role="tab" id="t2" aria-controls="panel" href="/create/tasks">Tasks</a>
      </div>
      <div id="panel" role="tabpanel"></div>`);
    repairStockMarkup(document);
    expect(document.getElementById('t1')!.hasAttribute('aria-controls')).toBe(
      false,
    );
    expect(document.getElementById('t2')!.getAttribute('aria-controls')).toBe(
      'panel',
    );
  });

  it('makes a template card’s detail button the one control, which still opens the template', () => {
    render(`
      <button id="viewDetail-template:default/typescript-service" aria-label="Show template entity detail">
        <span><a href="/catalog/default/template/typescript-service"><svg></svg></a></span>
      </button>`);
    const link = document.querySelector('a')!;
    const opened: string[] = [];
    link.addEventListener('click', () => opened.push('link'));
    repairStockMarkup(document);
    repairStockMarkup(document);

    expect(link.hasAttribute('href')).toBe(false);
    expect(link.getAttribute('data-href')).toBe(
      '/catalog/default/template/typescript-service',
    );
    // Enter or Space on the button clicks the button itself: the link
    // follows, once however often the repair ran.
    document.querySelector('button')!.click();
    expect(opened).toEqual(['link']);
    // A click on the icon reaches the link directly, also once.
    link
      .querySelector('svg')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(opened).toEqual(['link', 'link']);
  });

  it('names Swagger UI’s server picker and takes the deep link out of an operation’s button', () => {
    render(`
      <div class="swagger-ui">
        <select id="servers"><option>https://api.example</option></select>
        <button class="opblock-summary-control">POST
          <a class="nostyle" href="#/Checkouts/createCheckout">/checkouts</a>
        </button>
        <a href="#/outside">outside a button</a>
      </div>`);
    repairStockMarkup(document);
    expect(document.getElementById('servers')!.getAttribute('aria-label')).toBe(
      'Servers',
    );
    expect(document.querySelector('button a')!.hasAttribute('href')).toBe(
      false,
    );
    expect(document.querySelector('a[href="#/outside"]')).not.toBeNull();
  });

  it('names a loading spinner, and keeps a progress bar’s own name', () => {
    render(`
      <div id="spinner" role="progressbar" class="MuiCircularProgress-root"></div>
      <div id="named" role="progressbar" aria-label="Uploading"></div>`);
    repairStockMarkup(document);
    expect(document.getElementById('spinner')!.getAttribute('aria-label')).toBe(
      'Loading',
    );
    expect(document.getElementById('named')!.getAttribute('aria-label')).toBe(
      'Uploading',
    );
  });

  it('makes a list’s empty-state sentence its one item', () => {
    render('<ul><p>There are no visits to show yet.</p></ul>');
    repairStockMarkup(document);
    expect(document.querySelector('p')!.getAttribute('role')).toBe('listitem');
  });

  it('makes list items outside any list articles, and leaves lists alone', () => {
    render(`
      <div id="results"><li>result one</li><li>result two</li><div>pagination</div></div>
      <ul><li id="in-list">in a list</li></ul>
      <div role="listbox"><li id="option" role="option">option</li></div>`);
    repairStockMarkup(document);
    const results = document.querySelectorAll('#results li');
    expect([...results].map(li => li.getAttribute('role'))).toEqual([
      'article',
      'article',
    ]);
    expect(document.getElementById('in-list')!.hasAttribute('role')).toBe(
      false,
    );
    expect(document.getElementById('option')!.getAttribute('role')).toBe(
      'option',
    );
  });
});

describe('watchStockMarkup', () => {
  it('repairs an attribute a component sets after showing the element', async () => {
    render('<a role="tab" id="tab" href="/create/templates">Templates</a>');
    const stop = watchStockMarkup(document);
    const tab = document.getElementById('tab')!;
    tab.setAttribute('aria-controls', 'no-such-panel');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(tab.hasAttribute('aria-controls')).toBe(false);
    stop();
  });

  it('repairs what the page adds later, until stopped', async () => {
    render('<div id="page"></div>');
    const stop = watchStockMarkup(document);
    const page = document.getElementById('page')!;
    page.innerHTML =
      '<table><thead><tr><th><div data-rbd-drag-handle-draggable-id="1" role="button" tabindex="0">Owner</div></th></tr></thead></table>';
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(
      page
        .querySelector('[data-rbd-drag-handle-draggable-id]')!
        .hasAttribute('role'),
    ).toBe(false);

    stop();
    page.innerHTML =
      '<table><thead><tr><th><div data-rbd-drag-handle-draggable-id="2" role="button" tabindex="0">Type</div></th></tr></thead></table>';
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(
      page
        .querySelector('[data-rbd-drag-handle-draggable-id]')!
        .getAttribute('role'),
    ).toBe('button');
  });
});
