import type { DocsData } from './docs-data.js';
import { figure, timeChart } from './charts.js';
import { badge, el, formatNumber, nodeHref, table } from './dom.js';

function nodeHistory(data: DocsData, id: string): HTMLElement {
  const runs = data.runs.filter((run) => run.nodes.some((node) => node.id === id));
  if (runs.length === 0)
    return el('p', { class: 'empty' }, 'This node was in none of the kept runs.');
  const name = data.nodes.find((node) => node.id === id)?.name ?? id;
  const points = runs.map((run) => ({ run, result: run.nodes.find((node) => node.id === id)! }));
  return figure(
    { 'data-chart': 'node-history', 'data-node': id },
    `${name}: time per run`,
    timeChart(
      points.map(({ run, result }) => ({
        at: new Date(run.generatedAt),
        value: result.executionTime,
        group: name,
      })),
      'seconds',
    ),
    table(
      ['Run', 'Status', 'Seconds'],
      points.map(({ run, result }) => [
        new Date(run.generatedAt).toLocaleString(),
        badge(result.status),
        result.executionTime.toFixed(3),
      ]),
    ),
  );
}

/** The kept runs, newest first, their times over runs, and one node's time and status over runs. */
export function renderRunsPage(data: DocsData, selected: string | null): HTMLElement {
  if (data.runs.length === 0)
    return el(
      'section',
      { class: 'page runs-page' },
      el('h1', {}, 'Runs'),
      el(
        'p',
        { class: 'empty', 'data-empty': 'runs' },
        'No run kept under target/run_history yet: runs of npm run build-models appear here.',
      ),
    );
  const newestFirst = [...data.runs].reverse();
  const nodeIds = [...new Set(data.runs.flatMap((run) => run.nodes.map((node) => node.id)))].sort();
  const current =
    selected && nodeIds.includes(selected)
      ? selected
      : (nodeIds.find((id) => id.startsWith('model.')) ?? nodeIds[0]!);
  const picker = el(
    'select',
    {
      'aria-label': 'node',
      onchange: (event: Event) => {
        location.hash = `#/runs/${encodeURIComponent((event.target as HTMLSelectElement).value)}`;
      },
    },
    ...nodeIds.map((id) => el('option', { value: id, selected: id === current }, id)),
  );
  const slowest = (run: (typeof data.runs)[number]): string => {
    const top = [...run.nodes].sort((a, b) => b.executionTime - a.executionTime)[0];
    return top ? `${top.id.split('.').pop()} (${top.executionTime.toFixed(2)} s)` : '–';
  };
  return el(
    'section',
    { class: 'page runs-page' },
    el('h1', {}, 'Runs'),
    figure(
      { 'data-chart': 'run-times' },
      'Whole run, seconds',
      timeChart(
        data.runs.map((run) => ({
          at: new Date(run.generatedAt),
          value: run.elapsedSeconds,
          group: 'run',
        })),
        'seconds',
      ),
      table(
        ['Run', 'Seconds'],
        data.runs.map((run) => [run.generatedAt, run.elapsedSeconds.toFixed(3)]),
      ),
    ),
    table(
      ['When', 'Command', 'Seconds', 'Statuses', 'Slowest node'],
      newestFirst.map((run) => [
        new Date(run.generatedAt).toLocaleString(),
        run.command,
        run.elapsedSeconds.toFixed(2),
        el(
          'span',
          {},
          ...Object.entries(run.statusCounts).flatMap(([status, count]) => [
            badge(status),
            ` ${formatNumber(count)} `,
          ]),
        ),
        slowest(run),
      ]),
      { class: 'runs' },
    ),
    el('h2', {}, 'One node over runs'),
    el('p', {}, picker, ' ', el('a', { href: nodeHref(current) }, 'open its page')),
    nodeHistory(data, current),
  );
}
