// npm run bench:startup [-- --rounds N]
// How long a short command takes as a whole process, `npm run sql -- "select 1"` against a warehouse
// file, next to the same command without npm, the same command transpiled at start by tsx (how the
// npm scripts ran before they started from bundles), and the floor: node loading DuckDB's driver.
// Variants run interleaved, round after round, so that a busy machine slows them alike. Prints a
// table; writes bench/results/startup.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { printLine } from '../src/base/console/console.js';
import { writeFileAtomic } from '../src/base/files/write-file-atomic.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { REPOSITORY_ROOT } from '../src/base/files/repository-root.js';
import { positiveInteger } from './lib/bench-cli.js';
import { describeMachine, machineInfo } from './lib/machine-info.js';
import { median } from './lib/median.js';

const TARGET_SECONDS = 0.35;

interface Variant {
  readonly name: string;
  readonly command: readonly string[];
}

const QUERY = 'select 1';

const VARIANTS: readonly Variant[] = [
  { name: 'npm run sql -- "select 1"', command: ['npm', 'run', '--silent', 'sql', '--', QUERY] },
  {
    name: 'node bin/cli.mjs sql (no npm)',
    command: [process.execPath, 'bin/cli.mjs', 'sql', QUERY],
  },
  {
    name: 'tsx scripts/sql.ts (transpiled at start, no npm)',
    command: [process.execPath, '--import', 'tsx', 'scripts/sql.ts', QUERY],
  },
  {
    name: 'floor: node importing @duckdb/node-api',
    command: [process.execPath, '--input-type=module', '-e', "await import('@duckdb/node-api')"],
  },
];

/** Runs `command` once to its end and returns its wall time in seconds. */
function timeOnce(command: readonly string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: REPOSITORY_ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0)
    throw new Error(`${command.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  return seconds;
}

runCli(async () => {
  const program = new Command('bench:startup')
    .description('Time short commands as whole processes.')
    .option('--rounds <n>', 'runs of each variant; medians are reported', positiveInteger, 15)
    .exitOverride();
  program.parse();
  const { rounds } = program.opts<{ rounds: number }>();
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-startup-'));
  try {
    const db = join(dir, 'warehouse.duckdb');
    await withWarehouse(db, {}, ({ connection }) =>
      connection.run('create table t as select 1 as x'),
    );
    const env = { ...process.env, WAREHOUSE_PATH: db, NO_COLOR: '1' };
    // The first start builds the bundles when the sources changed; it is not a start users repeat.
    timeOnce(VARIANTS[1]!.command, env);
    const times = new Map(VARIANTS.map((variant) => [variant.name, [] as number[]]));
    for (let round = 0; round < rounds; round++)
      for (const variant of VARIANTS) times.get(variant.name)!.push(timeOnce(variant.command, env));
    const machine = await machineInfo();
    const medians = VARIANTS.map((variant) => ({
      variant: variant.name,
      command: variant.command.map((part) => (part === process.execPath ? 'node' : part)).join(' '),
      medianSeconds: median(times.get(variant.name)!),
      runs: times.get(variant.name)!,
    }));
    const npm = medians[0]!.medianSeconds;
    const table = new Table({ head: ['variant', 'median s', 'vs npm run sql'] });
    for (const row of medians)
      table.push([row.variant, row.medianSeconds.toFixed(3), (row.medianSeconds / npm).toFixed(2)]);
    printLine(`Start-up, ${rounds} interleaved rounds, on ${describeMachine(machine)}`);
    printLine(table.toString());
    printLine(
      `npm run sql -- "select 1": ${npm.toFixed(3)} s against a target of ${TARGET_SECONDS} s: ${npm <= TARGET_SECONDS ? 'met' : 'not met'}`,
    );
    writeFileAtomic(
      join(REPOSITORY_ROOT, 'bench', 'results', 'startup.json'),
      `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, rounds, targetSeconds: TARGET_SECONDS, medians }, null, 2)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
});
