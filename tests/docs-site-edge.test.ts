// `npm run docs` off the happy path: a project without this pipeline's audits, an empty and a
// missing warehouse, no manifest, `--serve` as a real process on loopback (what it refuses, and
// SIGTERM), a port in use, and the run history kept to its last 30 runs.
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { RUN_HISTORY_DIR, writeRunResults } from '../src/engine/artifacts/write-artifacts.js';
import { openWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { launchBrowser, recordedPage, screenshot, type RecordedPage } from './support/browser.js';
import { manifestGraph, writeDocs } from './support/docs-site.js';
import { it } from './support/fixtures.js';
import type { RunningScript } from './support/run-script.js';
import { projectIn, type TestProject } from './support/runner-project.js';
import { suiteTempDirs } from './support/temp-dirs.js';

const dirs = suiteTempDirs();
let project: TestProject;
let browser: Browser;

const FILES = {
  'seeds/customers.csv': 'id,name\n1,Ada\n2,Grace\n3,Edsger\n',
  'models/staging/stg_customers.sql': "select id, upper(name) as name from {{ ref('customers') }}",
  'models/marts/customer_count.sql': "select count(*) as customers from {{ ref('stg_customers') }}",
  'models/staging/schema.yml': `version: 2
models:
  - name: stg_customers
    description: One row per customer, names in capitals.
    columns:
      - name: id
        description: The customer's key.
        data_tests: [unique, not_null]
      - name: name
        description: Upper-cased name.
`,
};

beforeAll(async () => {
  project = projectIn(dirs.make('dw-docs-edge-'), FILES);
  expect((await project.build()).exitCode).toBe(0);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function open(url: string): Promise<RecordedPage> {
  const recorded = await recordedPage(browser);
  await recorded.page.goto(url);
  await recorded.page.locator('main .page').waitFor();
  return recorded;
}

async function shownGraph(recorded: RecordedPage): Promise<{ ids: string[]; edges: string[] }> {
  const { page } = recorded;
  const ids = await page.$$eval('g.node', (n) => n.map((g) => g.getAttribute('data-id')!).sort());
  const edges = await page.$$eval('path.edge', (paths) =>
    paths.map((p) => `${p.getAttribute('data-from')}->${p.getAttribute('data-to')}`).sort(),
  );
  return { ids, edges };
}

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A raw HTTP request (fetch would normalise `..` away), answering the status code. */
function statusOf(url: string, path: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ host: hostname, port, path, method }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a project without audits', () => {
  it('draws its whole graph, its columns with types, and says there is no health to show', async () => {
    const { url } = await writeDocs(project.dir, project.db);
    const recorded = await open(url);
    expect(await shownGraph(recorded)).toEqual(manifestGraph(project.dir));
    const { page } = recorded;
    await page.locator('g.node[data-name="stg_customers"]').click();
    await page.locator('.node-page').waitFor();
    const types = await project.query(
      "select column_name, data_type from information_schema.columns where table_name = 'stg_customers' order by ordinal_position",
    );
    const shown = await page.$$eval('table.columns tbody tr', (trs) =>
      trs.map((tr) => ({
        column_name: tr.children[0]!.textContent,
        data_type: tr.children[1]!.textContent,
      })),
    );
    expect(shown).toEqual(types);
    expect(await page.locator('table.columns').textContent()).toContain("The customer's key.");
    expect(await page.locator('[data-fact="rows"]').textContent()).toBe('3');
    await page.goto(`${url}#/health`);
    expect(await page.locator('[data-empty="health"]').textContent()).toContain('no audit_health');
    await screenshot(page, 'no-audits-health');
    expect(recorded.errors).toEqual([]);
    await page.close();
  });

  it('renders for an empty warehouse and for one that does not exist, creating no file', async ({
    tempDir,
  }) => {
    const empty = join(tempDir('dw-docs-empty-'), 'empty.duckdb');
    (await openWarehouse(empty)).close();
    const written = await writeDocs(project.dir, empty);
    expect(written.output).toContain('warehouse empty');
    let recorded = await open(written.url);
    expect(await shownGraph(recorded)).toEqual(manifestGraph(project.dir));
    await recorded.page.goto(`${written.url}#/node/model.demo.stg_customers`);
    expect(await recorded.page.locator('[data-fact="rows"]').textContent()).toBe('not built');
    expect(recorded.errors).toEqual([]);
    await recorded.page.close();

    const missing = join(tempDir('dw-docs-missing-'), 'nowhere.duckdb');
    const again = await writeDocs(project.dir, missing);
    expect(again.output).toContain('warehouse missing');
    expect(existsSync(missing)).toBe(false);
    recorded = await open(`${again.url}#/health`);
    expect(await recorded.page.locator('[data-empty="health"]').textContent()).toContain(
      'does not exist yet',
    );
    expect(recorded.errors).toEqual([]);
    await recorded.page.close();
  });
});

describe('the command', () => {
  it('refuses a project with no manifest, naming the file and what to run (exit 2, no stack)', async ({
    tempDir,
    runScript,
  }) => {
    const dir = tempDir('dw-docs-nomanifest-');
    projectIn(dir, FILES);
    const result = await runScript('docs', ['--project-dir', dir, '--db', join(dir, 'w.duckdb')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(dir, 'target', 'manifest.json'));
    expect(result.stderr).toContain('npm run build-models');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('serves the site on loopback until SIGTERM, refusing writes and paths outside it', async ({
    startScript,
  }) => {
    const server: RunningScript = startScript('docs', [
      '--serve',
      '0',
      '--project-dir',
      project.dir,
      '--db',
      project.db,
    ]);
    const url = await until('the serving line', () => {
      if (server.child.exitCode !== null) throw new Error(server.lines.join('\n'));
      return server.lines
        .map((line) => /serving the docs at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)?.[1])
        .find(Boolean);
    });
    const recorded = await open(url);
    expect(await shownGraph(recorded)).toEqual(manifestGraph(project.dir));
    expect(recorded.errors).toEqual([]);
    expect(recorded.requests.filter((requested) => !requested.startsWith(url))).toEqual([]);
    await recorded.page.close();
    const app = await fetch(`${url}assets/app.js`);
    expect(app.status).toBe(200);
    expect(app.headers.get('content-type')).toContain('text/javascript');
    expect(await statusOf(url, '/%2e%2e/%2e%2e/%2e%2e/etc/passwd')).toBe(404);
    expect(await statusOf(url, '/../../../etc/passwd')).toBe(404);
    expect(await statusOf(url, '/missing.html')).toBe(404);
    expect(await statusOf(url, '/index.html', 'POST')).toBe(405);
    server.child.kill('SIGTERM');
    const done = await server.done;
    expect(done.code).toBe(0);
    expect(done.stderr + done.stdout).toContain('docs server stopped');
  });

  it('says which port is in use instead of failing with a stack', async ({ runScript }) => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runScript('docs', [
        '--serve',
        String(port),
        '--project-dir',
        project.dir,
        '--db',
        project.db,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`port ${port} is in use`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});

it('keeps the last 30 runs under target/run_history, oldest removed first', ({ tempDir }) => {
  const targetDir = tempDir('dw-docs-history-');
  for (let run = 0; run < 33; run += 1)
    writeRunResults(targetDir, [], {
      invocationId: `run-${String(run).padStart(2, '0')}`,
      elapsedSeconds: run,
      args: {},
    });
  const kept = readdirSync(join(targetDir, RUN_HISTORY_DIR)).sort();
  expect(kept).toHaveLength(30);
  expect(kept.map((name) => /run-(\d+)\.json$/.exec(name)?.[1])).toEqual(
    Array.from({ length: 30 }, (_, index) => String(index + 3).padStart(2, '0')),
  );
});
