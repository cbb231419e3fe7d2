// npm run bench:micro-batch -- [--messages 1000000,10000000] [--repeat N] [--seed S] [--threads N] [--memory-limit 4GB]
// Measures what a consumer's micro-batch costs: in one process, lands a warehouse of --messages
// arrivals (cached, as `npm run bench` caches them), builds it fully, then, on the warehouse held
// open, times `build()` after nothing new, 1,000 new and 10,000 new arrivals (landed with the
// simulator, continuing the stream). Each case is timed for every variant below, interleaved in a
// rotating order within each repeat, so that the machine's load falls on all of them alike;
// medians are reported. Writes bench/results/micro-batch-build.json; the README table comes from it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { landSimulation } from '../src/app/landing/land-simulation.js';
import { runCli } from '../src/app/cli/run-cli.js';
import { printInfo, printLine } from '../src/base/console/console.js';
import {
  openWarehouse,
  withWarehouse,
  type Warehouse,
} from '../src/base/warehouse/open-warehouse.js';
import type { WarehouseSettings } from '../src/base/warehouse/open-warehouse.js';
import type { NodeResult } from '../src/engine/artifacts/node-result.js';
import { build } from '../src/engine/runner/run-project.js';
import { nonNegativeInteger, positiveInteger } from './lib/bench-cli.js';
import { copyProject } from './lib/copy-project.js';
import { copyWarehouse } from './lib/copy-warehouse.js';
import { isCached, landedCacheKey, markCached } from './lib/landed-cache.js';
import { describeMachine, machineInfo } from './lib/machine-info.js';
import { median } from './lib/median.js';
import { REPO_ROOT } from './lib/run-bench.js';
import { MICRO_BATCH_VARIANTS, type MicroBatchVariant } from './lib/micro-batch-variants.js';
import { renderMicroBatchTable, type CaseResult } from './report/micro-batch-table.js';

/** New arrivals landed before each timed build. */
const CASES = [0, 1_000, 10_000] as const;

interface Options {
  readonly messages: readonly number[];
  readonly repeat: number;
  readonly seed: number;
  readonly memoryLimit?: string;
  readonly threads?: number;
  readonly workDir?: string;
  readonly resultsDir?: string;
}

function parseOptions(argv: readonly string[]): Options {
  const program = new Command('bench:micro-batch')
    .description('Time incremental build() of micro-batches on a large warehouse held open.')
    .option('--messages <list>', 'warehouse sizes, comma-separated (default 1000000)', '1000000')
    .option(
      '--repeat <n>',
      'timed builds per case and variant, median reported',
      positiveInteger,
      5,
    )
    .option('--seed <s>', 'simulator seed', nonNegativeInteger, 42)
    .option('--memory-limit <size>', "DuckDB memory_limit (default: DuckDB's)")
    .option('--threads <n>', "DuckDB threads (default: DuckDB's, all cores)", positiveInteger)
    .option('--work-dir <dir>', 'where warehouses go (default bench/work)')
    .option('--results-dir <dir>', 'where micro-batch-build.json goes (default bench/results)')
    .exitOverride();
  program.parse([...argv]);
  const opts = program.opts<Omit<Options, 'messages'> & { messages: string }>();
  return { ...opts, messages: opts.messages.split(',').map((m) => positiveInteger(m.trim())) };
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv);
  const settings: WarehouseSettings = {
    ...(opts.memoryLimit !== undefined ? { memoryLimit: opts.memoryLimit } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
  };
  const workDir = opts.workDir ?? join(REPO_ROOT, 'bench', 'work');
  const loadBefore = loadavg()[0]!;
  const sizes = [];
  for (const messages of opts.messages) {
    sizes.push(await benchSize(messages, opts, settings, workDir));
  }
  const result = {
    date: new Date().toISOString(),
    machine: await machineInfo(),
    settings: { memoryLimit: opts.memoryLimit ?? null, threads: opts.threads ?? null },
    seed: opts.seed,
    repeat: opts.repeat,
    // The 1-minute load average before and after: other work on the machine slows every variant.
    loadAverage: { before: loadBefore, after: loadavg()[0]! },
    variants: MICRO_BATCH_VARIANTS.map((v) => ({ name: v.name, what: v.what })),
    sizes,
  };
  const resultsDir = opts.resultsDir ?? join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'micro-batch-build.json'), `${JSON.stringify(result, null, 2)}\n`);
  printLine(describeMachine(result.machine));
  printLine(renderMicroBatchTable(result));
  return 0;
}

/** Lands (or reuses) `messages` arrivals, builds them, and times every case and variant. */
async function benchSize(
  messages: number,
  opts: Options,
  settings: WarehouseSettings,
  workDir: string,
) {
  const dir = join(workDir, `micro-batch-${messages}-seed${opts.seed}`);
  mkdirSync(dir, { recursive: true });
  const landed = join(dir, 'landed.duckdb');
  const key = await landedCacheKey(REPO_ROOT, messages, opts.seed);
  if (!isCached(landed, key)) {
    printInfo(`land ${messages.toLocaleString('en-US')} arrivals`);
    removeWarehouse(landed);
    await withWarehouse(landed, settings, async (warehouse) => {
      await landSimulation(warehouse, { messages, seed: opts.seed });
      await warehouse.connection.run('checkpoint');
    });
    markCached(landed, key);
  }
  const dbPath = join(dir, 'run.duckdb');
  removeWarehouse(dbPath);
  copyWarehouse(landed, dbPath);
  const projectDir = copyProject(REPO_ROOT, join(dir, 'project'));
  const warehouse = await openWarehouse(dbPath, { ...settings, holder: 'build' });
  try {
    printInfo('full build');
    const started = performance.now();
    const full = await build({ projectDir, warehouse, print: false });
    if (!full.success) throw new Error(`the full build failed: ${failedNodes(full.results)}`);
    const fullBuildSeconds = (performance.now() - started) / 1000;
    const cases = await timeCases(warehouse, projectDir, opts);
    return { messages, fullBuildSeconds, cases };
  } finally {
    warehouse.close();
    removeWarehouse(dbPath);
  }
}

/** One timed build: its wall seconds and each node's seconds. */
interface TimedBuild {
  readonly seconds: number;
  readonly nodes: readonly NodeResult[];
}

/** Times every case × variant `repeat` times, interleaved in a rotating order. */
async function timeCases(
  warehouse: Warehouse,
  projectDir: string,
  opts: Options,
): Promise<CaseResult[]> {
  const variants = MICRO_BATCH_VARIANTS.map((variant) => variant.start(projectDir));
  // Untimed: the first builds on an open warehouse warm its caches and the variants' own.
  for (const variant of variants) await variant.build(warehouse);
  const runs = new Map<string, TimedBuild[]>();
  const pairs = CASES.flatMap((newMessages) =>
    variants.map((variant) => ({ newMessages, variant })),
  );
  let landedBatches = 0;
  for (let i = 0; i < opts.repeat; i++) {
    printInfo(`repeat ${i + 1}/${opts.repeat}`);
    const shift = i % pairs.length;
    for (const { newMessages, variant } of [...pairs.slice(shift), ...pairs.slice(0, shift)]) {
      if (newMessages > 0) {
        landedBatches++;
        await landSimulation(warehouse, {
          messages: newMessages,
          seed: opts.seed + landedBatches,
        });
      }
      const timed = await timeBuild(variant, warehouse);
      const key = `${newMessages}/${variant.name}`;
      runs.set(key, [...(runs.get(key) ?? []), timed]);
    }
  }
  return CASES.map((newMessages) => ({
    newMessages,
    variants: variants.map((variant) =>
      summarize(variant.name, runs.get(`${newMessages}/${variant.name}`)!),
    ),
  }));
}

async function timeBuild(variant: MicroBatchVariant, warehouse: Warehouse): Promise<TimedBuild> {
  const started = performance.now();
  const result = await variant.build(warehouse);
  const seconds = (performance.now() - started) / 1000;
  if (!result.success)
    throw new Error(`${variant.name}: build failed: ${failedNodes(result.results)}`);
  return { seconds, nodes: result.results };
}

/** Medians of a variant's builds: wall seconds, per node, and the time outside the nodes. */
function summarize(name: string, builds: readonly TimedBuild[]) {
  const nodeNames = [...new Set(builds.flatMap((b) => b.nodes.map((n) => n.name)))];
  const nodeSeconds = (build: TimedBuild, node: string) =>
    build.nodes.find((n) => n.name === node)?.executionTime ?? 0;
  const nodes = nodeNames
    .map((node) => ({
      name: node,
      seconds: round(median(builds.map((b) => nodeSeconds(b, node)))),
    }))
    .sort((a, b) => b.seconds - a.seconds);
  const outside = builds.map(
    (b) => b.seconds - b.nodes.reduce((sum, n) => sum + n.executionTime, 0),
  );
  return {
    name,
    seconds: round(median(builds.map((b) => b.seconds))),
    runs: builds.map((b) => round(b.seconds)),
    nodeCount: median(builds.map((b) => b.nodes.length)),
    outsideNodesSeconds: round(median(outside)),
    nodes,
  };
}

function failedNodes(results: readonly NodeResult[]): string {
  return results
    .filter((r) => r.status === 'error' || r.status === 'fail')
    .map((r) => `${r.name}: ${r.message}`)
    .join('; ');
}

function round(seconds: number): number {
  return Math.round(seconds * 10_000) / 10_000;
}

function removeWarehouse(dbPath: string): void {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
}

runCli(main);
