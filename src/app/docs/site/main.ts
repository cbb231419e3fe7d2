// The docs site: one page, routed by the URL's hash so that it works from file:// too.
import './site.css';
import { DOCS_DATA_GLOBAL, type DocsData } from './docs-data.js';
import { el, nodeHref } from './dom.js';
import { renderHealthPage } from './health-page.js';
import { renderLineage } from './lineage.js';
import { renderNodePage } from './node-page.js';
import { renderRunsPage } from './runs-page.js';

const data = (window as unknown as Record<string, DocsData | undefined>)[DOCS_DATA_GLOBAL];
const app = document.getElementById('app')!;

/** The lineage's filter, kept across pages while the site is open. */
const filter = { select: '', exclude: '', showTests: true };

function searchBox(): HTMLElement {
  const results = el('ul', { class: 'search-results', role: 'listbox' });
  const input = el('input', {
    type: 'search',
    placeholder: 'Search nodes',
    'aria-label': 'search nodes',
    class: 'search',
  });
  const update = (): void => {
    const query = input.value.trim().toLowerCase();
    results.replaceChildren();
    if (query === '' || !data) return;
    const hits = data.nodes
      .filter(
        (node) => node.name.toLowerCase().includes(query) || node.id.toLowerCase().includes(query),
      )
      .sort(
        (a, b) =>
          Number(b.name.toLowerCase().startsWith(query)) -
            Number(a.name.toLowerCase().startsWith(query)) || a.name.localeCompare(b.name),
      )
      .slice(0, 20);
    for (const node of hits)
      results.appendChild(
        el(
          'li',
          {},
          el(
            'a',
            {
              href: `#/lineage/${encodeURIComponent(node.id)}`,
              onclick: () => {
                input.value = '';
                results.replaceChildren();
              },
            },
            node.name,
            ' ',
            el('small', {}, node.resourceType),
          ),
        ),
      );
  };
  input.addEventListener('input', update);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') results.querySelector('a')?.click();
  });
  return el('div', { class: 'search-wrap' }, input, results);
}

function header(active: string): HTMLElement {
  const link = (href: string, label: string, name: string): HTMLElement =>
    el('a', { href, class: active === name ? 'active' : undefined }, label);
  return el(
    'header',
    {},
    el('a', { href: '#/', class: 'brand' }, data?.projectName ?? 'docs'),
    el(
      'nav',
      {},
      link('#/', 'Lineage', 'lineage'),
      link('#/health', 'Health', 'health'),
      link('#/runs', 'Runs', 'runs'),
    ),
    searchBox(),
    el(
      'span',
      { class: 'target' },
      data ? `${data.adapterType} · ${data.target.name} · ${data.warehouse}` : '',
    ),
  );
}

function lineagePage(focus: string | null): HTMLElement {
  const page = el('section', { class: 'page lineage-page' });
  const select = el('input', {
    type: 'text',
    value: filter.select,
    placeholder: '--select, e.g. +silver_events+ tag:nightly',
    'aria-label': 'select',
  });
  const exclude = el('input', {
    type: 'text',
    value: filter.exclude,
    placeholder: '--exclude',
    'aria-label': 'exclude',
  });
  const tests = el('input', {
    type: 'checkbox',
    checked: filter.showTests,
    'aria-label': 'show tests',
  });
  const draw = (): void => {
    Object.assign(filter, {
      select: select.value,
      exclude: exclude.value,
      showTests: tests.checked,
    });
    page.querySelector('.lineage')?.remove();
    page.appendChild(renderLineage(data!, { ...filter, focus }));
  };
  const form = el(
    'form',
    {
      class: 'toolbar',
      onsubmit: (event: Event) => {
        event.preventDefault();
        draw();
      },
    },
    select,
    exclude,
    el('label', {}, tests, ' tests'),
    el('button', { type: 'submit' }, 'Apply'),
    focus
      ? el(
          'span',
          { class: 'focus' },
          'focus: ',
          el('a', { href: nodeHref(focus) }, focus),
          ' ',
          el('a', { href: '#/' }, 'clear'),
        )
      : null,
  );
  tests.addEventListener('change', draw);
  page.appendChild(form);
  draw();
  return page;
}

function route(): void {
  if (!data) {
    app.replaceChildren(el('p', {}, 'data.js is missing: run npm run docs again.'));
    return;
  }
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const [section = '', ...rest] = hash.split('/');
  const argument = rest.join('/') || null;
  const active =
    section === '' || section === 'lineage' || section === 'node' ? 'lineage' : section;
  let page: HTMLElement;
  if (section === 'node' && argument) page = renderNodePage(data, argument);
  else if (section === 'health') page = renderHealthPage(data);
  else if (section === 'runs') page = renderRunsPage(data, argument);
  else page = lineagePage(section === 'lineage' ? argument : null);
  app.replaceChildren(header(active), el('main', {}, page));
  document.title = `${data.projectName} · ${section === 'node' && argument ? argument.split('.').pop() : active}`;
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', route);
route();
