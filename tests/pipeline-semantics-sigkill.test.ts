// Exactly-once under failure: a build killed with SIGKILL at any moment, then built again,
// gives tables identical to an uninterrupted build's. Real child processes of the build CLI are
// killed at many points: spread over the measured duration of an uninterrupted build, and right
// after each of its output lines (so after each model it reports); during the first build and during
// an incremental build after a new load.
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildInChild,
  buildPipeline,
  copyPipelineProject,
  spawnBuild,
} from './support/pipeline-build.js';
import type { ScriptResult } from './support/run-script.js';
import { landArrivalsIn } from './support/pipeline-landing.js';
import { dumpWarehouseFile, PIPELINE_RELATIONS } from './support/pipeline-read.js';
import { type Arrival } from './support/pipeline-reference.js';
import { arrivalsOf, sampleStream } from './support/pipeline-streams.js';
import { suiteTempDirs } from './support/temp-dirs.js';

const dirs = suiteTempDirs();
let dir: string;
let projectDir: string;
let later: Arrival[];
let totalArrivals: number;
/** Landed, never built. */
let landedPath: string;
/** Built once without interruption, then the second load landed: the start of an incremental build. */
let builtPlusLoadPath: string;

/** Copies a closed warehouse file (and its WAL, if any). Copies keep `_loaded_at`, so no column is excluded below. */
function copyWarehouse(from: string, to: string): string {
  rmSync(to, { force: true });
  rmSync(`${to}.wal`, { force: true });
  copyFileSync(from, to);
  if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`);
  return to;
}

/** The pipeline's relations in the warehouse file at `dbPath`, whose reconciliation checks must all pass. */
async function dump(dbPath: string): Promise<Record<string, unknown[]>> {
  const relations = await dumpWarehouseFile(dbPath, PIPELINE_RELATIONS);
  expect(
    relations['audit_reconciliation']!.filter(
      (row) => (row as Record<string, unknown>)['passed'] !== true,
    ),
  ).toEqual([]);
  return relations;
}

interface Measured {
  readonly durationMs: number;
  /** Milliseconds from spawn to the first output line (process start-up). */
  readonly firstLineMs: number;
  readonly lines: number;
  readonly expected: Record<string, unknown[]>;
}

/** Runs an uninterrupted child build on a copy of `start` and measures it. */
async function measure(start: string, name: string): Promise<Measured> {
  const dbPath = copyWarehouse(start, join(dir, `${name}.duckdb`));
  const begin = Date.now();
  let firstLineMs = -1;
  const build = spawnBuild({ projectDir, dbPath });
  build.child.stdout!.once('data', () => (firstLineMs = Date.now() - begin));
  build.child.stderr!.once(
    'data',
    () => (firstLineMs = firstLineMs < 0 ? Date.now() - begin : firstLineMs),
  );
  const outcome = await build.done;
  expect(outcome.code, `${outcome.stdout}\n${outcome.stderr}`).toBe(0);
  return {
    durationMs: Date.now() - begin,
    firstLineMs: Math.max(firstLineMs, 0),
    lines: build.lines.length,
    expected: await dump(dbPath),
  };
}

type KillPoint = { readonly afterMs: number } | { readonly afterLine: number };

/** Starts a child build on a copy of `start`, SIGKILLs it at `point`, rebuilds, and dumps the result. */
async function killAndRebuild(
  start: string,
  name: string,
  point: KillPoint,
): Promise<{ killed: boolean; dump: Record<string, unknown[]> }> {
  const dbPath = copyWarehouse(start, join(dir, `${name}.duckdb`));
  const build = spawnBuild({ projectDir, dbPath });
  const kill = () => build.child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  if ('afterMs' in point) {
    // Counted from the child's first output line, not from spawn: process start-up (tsx, imports)
    // varies with the machine's load far more than the build itself does.
    const arm = () => {
      if (!timer) timer = setTimeout(kill, point.afterMs);
    };
    build.child.stdout!.once('data', arm);
    build.child.stderr!.once('data', arm);
  } else {
    const watch = () => {
      if (build.lines.length >= point.afterLine) kill();
    };
    build.child.stdout!.on('data', watch);
    build.child.stderr!.on('data', watch);
  }
  const outcome: ScriptResult = await build.done;
  if (timer) clearTimeout(timer);
  const killed = outcome.signal === 'SIGKILL';
  if (!killed) expect(outcome.code, `${outcome.stdout}\n${outcome.stderr}`).toBe(0);
  await buildPipeline({ projectDir, dbPath });
  const result = await dump(dbPath);
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  return { killed, dump: result };
}

/** `count` kill delays (after the first output line) spread over the rest of the build. */
function spreadDelays(measured: Measured, count: number): number[] {
  const span = Math.max(measured.durationMs - measured.firstLineMs, 1);
  return Array.from({ length: count }, (_, i) => Math.round((span * (i + 0.5)) / count));
}

/**
 * Kills at `afterMs`; when the build finished first (a faster run than the measured one), tries
 * again at half the delay, twice at most. Every attempt, killed or not, must rebuild to `expected`.
 */
async function killSoonEnough(
  start: string,
  name: string,
  afterMs: number,
  expected: Record<string, unknown[]>,
  measuredMs: number,
): Promise<boolean> {
  for (let attempt = 0, delay = afterMs; attempt < 3; attempt += 1, delay = Math.round(delay / 2)) {
    const result = await killAndRebuild(start, `${name}-${attempt}`, { afterMs: delay });
    expect(
      result.dump,
      `killed ${delay} ms after the first line (build: ${measuredMs} ms)`,
    ).toEqual(expected);
    if (result.killed) return true;
  }
  return false;
}

/** Up to `count` output line numbers spread over the uninterrupted build's output. */
function spreadLines(measured: Measured, count: number): number[] {
  const lines = Array.from({ length: measured.lines }, (_, i) => i + 1);
  if (lines.length <= count) return lines;
  return Array.from({ length: count }, (_, i) => lines[Math.floor((i * lines.length) / count)]!);
}

/**
 * Kills builds of copies of `start` at `count` delays spread over `measured` (see
 * {@link killSoonEnough}); returns how many of the kills hit a running build.
 */
async function killSpread(
  start: string,
  name: string,
  measured: Measured,
  count: number,
): Promise<number> {
  let killed = 0;
  for (const [i, afterMs] of spreadDelays(measured, count).entries()) {
    const hit = await killSoonEnough(
      start,
      `${name}-${i}`,
      afterMs,
      measured.expected,
      measured.durationMs,
    );
    if (hit) killed += 1;
  }
  return killed;
}

/** Kills a build of a copy of `start` right after each of `count` output lines spread over `measured`'s; each must rebuild to its tables. */
async function killAfterLines(
  start: string,
  name: string,
  measured: Measured,
  count: number,
): Promise<void> {
  for (const afterLine of spreadLines(measured, count)) {
    const result = await killAndRebuild(start, `${name}-${afterLine}`, { afterLine });
    expect(result.dump, `killed after output line ${afterLine} of ${measured.lines}`).toEqual(
      measured.expected,
    );
  }
}

beforeAll(async () => {
  dir = dirs.make('dw-semantics-sigkill-');
  projectDir = copyPipelineProject(join(dir, 'project'));
  const arrivals = arrivalsOf(sampleStream(31, 1500, { transactions: 300 }));
  const cut = Math.floor(arrivals.length * 0.85);
  later = arrivals.slice(cut);
  totalArrivals = arrivals.length;
  landedPath = join(dir, 'landed.duckdb');
  await landArrivalsIn(landedPath, arrivals.slice(0, cut));
  builtPlusLoadPath = copyWarehouse(landedPath, join(dir, 'built-plus-load.duckdb'));
  await buildInChild({ projectDir, dbPath: builtPlusLoadPath });
  await landArrivalsIn(builtPlusLoadPath, later);
}, 120_000);

describe('SIGKILL during a build', () => {
  it('rebuilds to the uninterrupted tables after kills spread over the first build', async () => {
    const measured = await measure(landedPath, 'first-clean');
    // Most kill points must have hit a running build, or this test proves little.
    expect(await killSpread(landedPath, 'first-kill', measured, 10)).toBeGreaterThanOrEqual(8);
  }, 600_000);

  it('rebuilds to the uninterrupted tables after a kill right after each reported step', async () => {
    const measured = await measure(landedPath, 'first-clean-lines');
    await killAfterLines(landedPath, 'first-line', measured, 8);
  }, 600_000);

  it('rebuilds to the uninterrupted tables after kills during an incremental build', async () => {
    const measured = await measure(builtPlusLoadPath, 'incremental-clean');
    expect(measured.expected['bronze_events']).toHaveLength(totalArrivals);
    expect(
      await killSpread(builtPlusLoadPath, 'incremental-kill', measured, 5),
    ).toBeGreaterThanOrEqual(4);
    await killAfterLines(builtPlusLoadPath, 'incremental-line', measured, 4);
  }, 600_000);
});
