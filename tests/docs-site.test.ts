// `npm run docs` on the pipeline project, three days of simulated traffic and two rejected lines,
// built twice: the site opened from file:// in headless Chromium shows every node and edge of the
// manifest, opens a model's page with its compiled SQL, and charts the warehouse's own numbers
// (checked against SQL over the same tables), the reconciliation's verdicts, run history and
// benchmarks, with no console error and no request leaving the folder.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landSimulation } from '../src/app/landing/land-simulation.js';
import { loadFile } from '../src/app/landing/load-file.js';
import { openWarehouse, withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { launchBrowser, recordedPage, screenshot, type RecordedPage } from './support/browser.js';
import { manifestGraph, writeDocs } from './support/docs-site.js';
import { buildPipeline, copyPipelineProject } from './support/pipeline-build.js';
import { readRows } from './support/read-rows.js';
import { REPO_ROOT } from './support/repo-root.js';
import { suiteTempDirs } from './support/temp-dirs.js';

const DAYS = ['2025-01-13', '2025-01-14', '2025-01-15'];
const dirs = suiteTempDirs();
let projectDir: string;
let db: string;
let siteUrl: string;
let browser: Browser;

beforeAll(async () => {
  const dir = dirs.make('dw-docs-');
  projectDir = copyPipelineProject(join(dir, 'project'));
  db = join(dir, 'w.duckdb');
  const warehouse = await openWarehouse(db, { threads: 1 });
  try {
    for (const [index, day] of DAYS.entries())
      await landSimulation(warehouse, {
        messages: 2000,
        seed: 7 + index,
        startMs: Date.parse(`${day}T00:00:00Z`),
      });
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"message_id": "m-1", "sequence_id": \n{"not": "a message"}\n');
    expect((await loadFile(warehouse, bad)).status).toBe('landed');
  } finally {
    warehouse.close();
  }
  await buildPipeline({ projectDir, dbPath: db });
  await buildPipeline({ projectDir, dbPath: db });
  mkdirSync(join(projectDir, 'bench', 'results'), { recursive: true });
  copyFileSync(
    join(REPO_ROOT, 'bench', 'results', 'medium.json'),
    join(projectDir, 'bench', 'results', 'medium.json'),
  );
  const written = await writeDocs(projectDir, db);
  expect(written.output).toMatch(
    /wrote .*docs\/ \(\d+ nodes, \d+ edges, 2 runs; warehouse built\)/,
  );
  siteUrl = written.url;
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

const query = (sql: string): Promise<Record<string, unknown>[]> =>
  withWarehouse(db, { readOnly: true }, ({ connection }) => readRows(connection, sql));

async function open(hash = ''): Promise<RecordedPage> {
  const recorded = await recordedPage(browser);
  await recorded.page.goto(`${siteUrl}${hash}`);
  await recorded.page.locator('main .page').waitFor();
  return recorded;
}

/** The page loaded cleanly: no console or page error, every request for a file of the site. */
function expectClean(recorded: RecordedPage): void {
  expect(recorded.errors).toEqual([]);
  const siteFolder = siteUrl.replace(/index\.html$/, '');
  expect(recorded.requests.filter((url) => !url.startsWith(siteFolder))).toEqual([]);
}

describe('lineage', () => {
  it('shows every node of the manifest and every edge, from file://', async () => {
    const recorded = await open();
    const { page } = recorded;
    const { ids, edges } = manifestGraph(projectDir);
    expect(ids.length).toBeGreaterThan(60);
    const shownIds = await page.$$eval('g.node', (nodes) =>
      nodes.map((n) => n.getAttribute('data-id')!).sort(),
    );
    expect(shownIds).toEqual(ids);
    const shownEdges = await page.$$eval('path.edge', (paths) =>
      paths.map((p) => `${p.getAttribute('data-from')}->${p.getAttribute('data-to')}`).sort(),
    );
    expect(shownEdges).toEqual(edges);
    // Left to right by layer: every landing node left of every Bronze node, and so on.
    const xOf = await page.$$eval('g.node', (nodes) =>
      nodes.map((n) => [n.getAttribute('data-layer'), n.getBoundingClientRect().left] as const),
    );
    const layerX = (layer: string): number[] => xOf.filter(([l]) => l === layer).map(([, x]) => x);
    const order = ['landing', 'bronze', 'silver', 'gold'];
    for (let i = 1; i < order.length; i += 1)
      expect(Math.max(...layerX(order[i - 1]!))).toBeLessThan(Math.min(...layerX(order[i]!)));
    await screenshot(page, 'lineage');
    expectClean(recorded);
    await page.close();
  });

  it('opens a model page with its compiled SQL and row count when the model is clicked', async () => {
    const recorded = await open();
    const { page } = recorded;
    const id = 'model.dedup_warehouse.silver_events';
    await page.locator(`g.node[data-id="${id}"]`).click();
    await page.waitForURL((url) => url.hash === `#/node/${encodeURIComponent(id)}`);
    const compiled = readFileSync(
      join(projectDir, 'target/compiled/dedup_warehouse/models/silver/silver_events.sql'),
      'utf8',
    );
    expect(await page.locator('[data-code="compiled"] code').textContent()).toBe(compiled);
    const [{ rows }] = (await query('select count(*)::varchar as rows from silver_events')) as [
      { rows: string },
    ];
    expect((await page.locator('[data-fact="rows"]').textContent())?.replace(/,/g, '')).toBe(rows);
    const columns = await query(
      "select column_name, data_type from information_schema.columns where table_name = 'silver_events' order by ordinal_position",
    );
    const shown = await page.$$eval('table.columns tbody tr', (trs) =>
      trs.map((tr) => ({
        column_name: tr.children[0]!.textContent,
        data_type: tr.children[1]!.textContent,
      })),
    );
    expect(shown).toEqual(columns);
    expect(await page.locator('table.columns').textContent()).toContain(
      'not_null_silver_events_message_id',
    );
    await screenshot(page, 'node-silver-events');
    expectClean(recorded);
    await page.close();
  });

  const manifestParents = (): Record<string, string[]> =>
    JSON.parse(readFileSync(join(projectDir, 'target', 'manifest.json'), 'utf8')).parent_map;
  const walk = (start: string, next: Map<string, string[]>): Set<string> => {
    const seen = new Set<string>();
    const visit = (id: string): void => {
      for (const other of next.get(id) ?? []) if (!seen.has(other)) visit((seen.add(other), other));
    };
    visit(start);
    return seen;
  };
  const target = 'model.dedup_warehouse.silver_transactions';

  it('filters with dbt selection syntax', async () => {
    const recorded = await open();
    const { page } = recorded;
    const parents = new Map(Object.entries(manifestParents()));
    await page.getByLabel('select', { exact: true }).fill('+silver_transactions');
    await page.getByRole('button', { name: 'Apply' }).click();
    const shown = await page.$$eval('g.node', (nodes) =>
      nodes.map((n) => n.getAttribute('data-id')!).sort(),
    );
    expect(shown).toEqual([...walk(target, parents), target].sort());
    await page.getByLabel('exclude', { exact: true }).fill('resource_type:source');
    await page.getByRole('button', { name: 'Apply' }).click();
    const withoutSources = await page.$$eval('g.node', (nodes) =>
      nodes.map((n) => n.getAttribute('data-id')!).sort(),
    );
    expect(withoutSources).toEqual(shown.filter((id) => !id.startsWith('source.')));
    expectClean(recorded);
    await page.close();
  });

  it('finds a node by name and lights up its upstream and downstream', async () => {
    const recorded = await open();
    const { page } = recorded;
    const parents = new Map(Object.entries(manifestParents()));
    const children = new Map<string, string[]>();
    for (const [child, ps] of parents)
      for (const p of ps) children.set(p, [...(children.get(p) ?? []), child]);
    await page.getByLabel('search nodes').fill('silver_transac');
    await page.locator('.search-results a').first().click();
    await page.waitForURL((url) => url.hash === `#/lineage/${encodeURIComponent(target)}`);
    const lit = await page.$$eval('g.node.lit', (nodes) =>
      nodes.map((n) => n.getAttribute('data-id')!).sort(),
    );
    expect(lit).toEqual(
      [...new Set([target, ...walk(target, parents), ...walk(target, children)])].sort(),
    );
    expect(await page.locator('g.node.selected').getAttribute('data-id')).toBe(target);
    await screenshot(page, 'lineage-focus');
    expectClean(recorded);
    await page.close();
  });
});

describe('health dashboard', () => {
  it('charts each daily rate with the warehouse’s numbers and its threshold', async () => {
    const recorded = await open('#/health');
    const { page } = recorded;
    const perDay = await query(`
      select partition_date::varchar as day, count(*)::integer as total,
          (count(*) - count(distinct composite_hash))::integer as duplicates
      from bronze_events group by 1 order by 1`);
    expect(perDay.map((row) => row['day'])).toEqual(DAYS);
    const late = new Map(
      (
        await query(
          'select partition_date::varchar as day, count(*)::integer as n from silver_late_events group by 1',
        )
      ).map((r) => [r['day'], r['n']]),
    );
    const rows = async (metric: string): Promise<{ day: string; value: number; count: number }[]> =>
      page.$$eval(`figure[data-metric="${metric}"] table tbody tr`, (trs) =>
        trs.map((tr) => ({
          day: tr.getAttribute('data-day')!,
          value: Number(tr.getAttribute('data-value')),
          count: Number(tr.getAttribute('data-count')),
        })),
      );
    const duplicates = await rows('duplicate_rate');
    expect(duplicates).toEqual(
      perDay.map((r) => ({
        day: r['day'],
        value: Number(r['duplicates']) / Number(r['total']),
        count: r['duplicates'],
      })),
    );
    expect((await rows('late_rate')).map((r) => [r.day, r.count])).toEqual(
      perDay.map((r) => [r['day'], late.get(r['day']) ?? 0]),
    );
    // The daily counts add up to audit_health's totals.
    const totals = new Map(
      (await query('select metric, value, threshold from audit_health')).map((r) => [
        r['metric'],
        r,
      ]),
    );
    for (const [metric, total] of [
      ['out_of_order_rate', 'out_of_order_messages'],
      ['missing_rate', 'missing_sequences'],
      ['conflict_rate', 'payload_conflicts'],
      ['late_rate', 'late_messages'],
    ]) {
      const sum = (await rows(metric!)).reduce((acc, r) => acc + r.count, 0);
      expect(sum, metric).toBe(Number(totals.get(total!)!['value']));
    }
    // One dot per day and the threshold drawn.
    const figure = page.locator('figure[data-metric="duplicate_rate"]');
    expect(await figure.locator('svg g[aria-label="dot"] circle').count()).toBe(DAYS.length);
    const threshold = Number(totals.get('duplicate_rate')!['threshold']);
    expect(await figure.locator('svg').textContent()).toContain(
      `threshold ${(threshold * 100).toFixed(2)}%`,
    );
    // Rejected lines by arrival day: the two lines of the bad file.
    const rejected = await rows('rejected_rate');
    expect(rejected.map((r) => r.count)).toEqual([2]);
    await screenshot(page, 'health');
    expectClean(recorded);
    await page.close();
  });

  it('lists every reconciliation check with its verdict and numbers', async () => {
    const recorded = await open('#/health');
    const { page } = recorded;
    const checks = await query(
      "select check_name, coalesce(expected::varchar, '–') as expected, coalesce(actual::varchar, '–') as actual, case when not passed then 'failed' when expected is null and note is not null then 'skipped' else 'passed' end as verdict from audit_reconciliation order by check_name",
    );
    const shown = await page.$$eval('table.checks tbody tr', (trs) =>
      trs.map((tr) => ({
        check_name: tr.children[0]!.textContent,
        expected: tr.children[1]!.textContent,
        actual: tr.children[2]!.textContent,
        verdict: tr.children[3]!.textContent,
      })),
    );
    expect(shown).toEqual(checks);
    expect(shown.length).toBeGreaterThan(5);
    expectClean(recorded);
    await page.close();
  });

  it('charts the benchmark results kept in bench/results', async () => {
    const recorded = await open('#/health');
    const { page } = recorded;
    const bench = JSON.parse(
      readFileSync(join(REPO_ROOT, 'bench', 'results', 'medium.json'), 'utf8'),
    ) as { strategies: unknown[] };
    const figure = page.locator('figure[data-bench="medium"]');
    expect(await figure.locator('svg g[aria-label="bar"] rect').count()).toBe(
      bench.strategies.length,
    );
    expectClean(recorded);
    await page.close();
  });
});

describe('run history', () => {
  it('shows the kept runs and a node’s time over them', async () => {
    const recorded = await open('#/runs');
    const { page } = recorded;
    expect(await page.locator('table.runs tbody tr').count()).toBe(2);
    const history = page.locator('figure[data-chart="node-history"]');
    expect(await history.locator('table tbody tr').count()).toBe(2);
    await page
      .getByLabel('node', { exact: true })
      .selectOption('model.dedup_warehouse.gold_daily_revenue');
    await page.waitForURL((url) =>
      url.hash.endsWith(encodeURIComponent('model.dedup_warehouse.gold_daily_revenue')),
    );
    expect(
      await page.locator('figure[data-chart="node-history"] figcaption').textContent(),
    ).toContain('gold_daily_revenue');
    await screenshot(page, 'runs');
    expectClean(recorded);
    await page.close();
  });
});
