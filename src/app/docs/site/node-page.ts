import type { DocsData, DocsNode, DocsTestRef } from './docs-data.js';
import { badge, el, formatNumber, nodeHref, table } from './dom.js';
import { makeGraph } from './select-nodes.js';

const nodeLink = (node: DocsNode | undefined, id: string): HTMLElement =>
  el(
    'a',
    { href: nodeHref(id), class: `node-link layer-${node?.layer ?? 'other'}` },
    node?.name ?? id,
  );

const testList = (tests: readonly DocsTestRef[]): HTMLElement | string =>
  tests.length === 0
    ? ''
    : el(
        'ul',
        { class: 'tests' },
        ...tests.map((test) =>
          el('li', {}, badge(test.status), ' ', el('a', { href: nodeHref(test.id) }, test.name)),
        ),
      );

function codeBlock(title: string, code: string | null, kind: string, open: boolean): HTMLElement {
  return el(
    'details',
    { class: 'code', open, 'data-code': kind },
    el('summary', {}, title),
    code === null
      ? el('p', { class: 'empty' }, 'Not compiled yet: build or compile the project.')
      : el('pre', {}, el('code', {}, code)),
  );
}

function facts(node: DocsNode): HTMLElement {
  const last = node.lastRun;
  const rows: [string, Node | string][] = [
    ['Type', node.resourceType],
    ['Layer', node.layer],
    ['Package', node.packageName],
    ['File', node.path],
  ];
  if (node.materialized) rows.push(['Materialization', node.materialized]);
  if (node.incrementalStrategy) rows.push(['Incremental strategy', node.incrementalStrategy]);
  if (node.uniqueKey) rows.push(['Unique key', node.uniqueKey]);
  if (node.relation) rows.push(['Relation', el('code', {}, node.relation)]);
  if (node.resourceType !== 'test')
    rows.push([
      'Rows',
      el(
        'span',
        { 'data-fact': 'rows' },
        node.rowCount === null ? 'not built' : formatNumber(node.rowCount),
      ),
    ]);
  rows.push(['Last run', last ? badge(last.status) : badge(null)]);
  if (last) {
    rows.push(['Time', `${last.executionTime.toFixed(3)} s`]);
    if (last.completedAt) rows.push(['Completed', new Date(last.completedAt).toLocaleString()]);
    if (last.failures !== null && node.resourceType === 'test')
      rows.push(['Failures', String(last.failures)]);
    if (last.message) rows.push(['Message', el('span', { class: 'message' }, last.message)]);
  }
  if (node.tags.length > 0) rows.push(['Tags', node.tags.join(', ')]);
  return el(
    'dl',
    { class: 'facts' },
    ...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
  );
}

/** The node's columns with their types, descriptions and tests. */
function columnsTable(node: DocsNode): HTMLElement {
  return node.columns.length === 0
    ? el(
        'p',
        { class: 'empty' },
        'No columns known: the relation is not built and none are documented.',
      )
    : table(
        ['Column', 'Type', 'Description', 'Tests'],
        node.columns.map((column) => [
          el('code', {}, column.name),
          column.type ?? '–',
          column.description,
          testList(column.tests),
        ]),
        { class: 'columns' },
      );
}

/** A node's page: what it is, its columns and tests, its neighbours, its raw and compiled SQL. */
export function renderNodePage(data: DocsData, id: string): HTMLElement {
  const graph = makeGraph(data.nodes, data.edges);
  const node = graph.nodes.get(id);
  if (!node)
    return el(
      'section',
      { class: 'page' },
      el('h1', {}, 'Not found'),
      el('p', {}, `No node ${id} in the manifest.`),
    );
  const parents = graph.parents.get(id) ?? [];
  const children = graph.children.get(id) ?? [];
  const neighbours = (ids: readonly string[]): HTMLElement | string =>
    ids.length === 0
      ? 'none'
      : el(
          'ul',
          { class: 'neighbours' },
          ...ids.map((other) => el('li', {}, nodeLink(graph.nodes.get(other), other))),
        );
  const columns = columnsTable(node);
  const nodeTests = node.tests.filter(
    (test) => !node.columns.some((column) => column.tests.some((t) => t.id === test.id)),
  );
  return el(
    'section',
    { class: 'page node-page', 'data-node': node.id },
    el('p', { class: 'crumbs' }, el('a', { href: '#/' }, 'Lineage'), ' / ', node.resourceType),
    el('h1', {}, node.name, ' ', badge(node.lastRun?.status ?? null)),
    el(
      'p',
      { class: 'unique-id' },
      el('code', {}, node.id),
      ' · ',
      el('a', { href: `#/lineage/${encodeURIComponent(node.id)}` }, 'show in lineage'),
    ),
    node.description
      ? el('p', { class: 'description' }, node.description)
      : el('p', { class: 'empty' }, 'No description.'),
    facts(node),
    node.testOf
      ? el(
          'p',
          {},
          'Tests ',
          nodeLink(graph.nodes.get(node.testOf), node.testOf),
          node.columnName ? ` (column ${node.columnName})` : '',
        )
      : null,
    el('h2', {}, 'Columns'),
    columns,
    nodeTests.length > 0 ? el('h2', {}, 'Tests') : null,
    nodeTests.length > 0 ? testList(nodeTests) : null,
    el(
      'div',
      { class: 'neighbourhood' },
      el('div', {}, el('h2', {}, 'Depends on'), neighbours(parents)),
      el('div', {}, el('h2', {}, 'Referenced by'), neighbours(children)),
    ),
    node.resourceType === 'source' ? null : codeBlock('Source SQL', node.rawCode, 'raw', false),
    node.resourceType === 'source' || node.resourceType === 'seed'
      ? null
      : codeBlock('Compiled SQL', node.compiledCode, 'compiled', true),
  );
}
