import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedProject } from '../parser/parse-project.js';
import type { ResourceType } from '../graph/graph-node.js';
import { SqlExecutor } from '../../base/warehouse/sql-executor.js';
import { quoteLiteral } from '../../base/warehouse/quote.js';
import { printLine, printWarning } from '../../base/console/console.js';
import { clock, formatNodeLine } from './node-line.js';
import type { NodeResult } from '../artifacts/node-result.js';
import { writeManifest, writeRunResults } from '../artifacts/write-artifacts.js';
import { openWarehouse } from '../../base/warehouse/open-warehouse.js';
import { executeNode, skippedResult } from './execute-node.js';
import { ExecutionPlan } from './execution-plan.js';
import { prepareProject } from './prepare-project.js';
import type { CachedBuildOptions } from './project-cache.js';
import { runProjectHooks } from './run-hooks.js';
import { printRunSummary } from './run-summary.js';
import type { BuildOptions, BuildResult, RunnerCommand } from './runner-options.js';

const TYPES: Record<RunnerCommand, ReadonlySet<ResourceType>> = {
  build: new Set(['model', 'seed', 'snapshot', 'test', 'unit_test']),
  run: new Set(['model']),
  test: new Set(['test', 'unit_test']),
  seed: new Set(['seed']),
  snapshot: new Set(['snapshot']),
};

/**
 * Runs a project: `build` (seeds, snapshots, models and their tests in dependency order), `run`
 * (models), `test` (data tests), `seed` or `snapshot`. Problems with the project itself throw a ProjectError/UserError
 * (exit 2) before anything runs; a busy warehouse throws a WarehouseError. Node failures do not
 * throw: they are in the results, with downstream nodes skipped, and `exitCode` is 1.
 * Writes `target/manifest.json`, `target/run_results.json` and compiled SQL under `target/compiled`.
 */
export async function runProject(
  command: RunnerCommand,
  options: CachedBuildOptions,
): Promise<BuildResult> {
  const started = performance.now();
  const print = options.print ?? true;
  const { parsed, selected, warnings } = options.projectCache
    ? options.projectCache.prepare(options, TYPES[command])
    : prepareProject(options, TYPES[command]);
  const targetDir = join(parsed.project.dir, 'target');
  // A second build of the same file in this process is refused as "in use by another build".
  const warehouse =
    options.warehouse ??
    (await openWarehouse(parsed.target.path, {
      settings: parsed.target.settings,
      threads: options.threads,
      memoryLimit: options.memoryLimit,
      holder: 'build',
    }));
  // Only a build that holds the warehouse writes target/ (a refused one leaves it to the running one).
  let ran: PlanOutcome;
  try {
    mkdirSync(targetDir, { recursive: true });
    writeManifest(parsed, targetDir);
    if (print) for (const warning of warnings) printWarning(warning);
    if (options.beforeBuild) await options.beforeBuild(warehouse);
    const sql = new SqlExecutor(warehouse.connection);
    // A relative path in a model (`read_csv('seeds/x.csv')`) means the project's, as where dbt runs.
    await warehouse.connection.run(
      `set file_search_path = ${quoteLiteral(`${parsed.project.dir},${process.cwd()}`)}`,
    );
    ran = await runPlan(command, parsed, sql, new ExecutionPlan(parsed.nodes, selected), print);
  } finally {
    if (!options.warehouse) warehouse.close();
  }
  const { results, hookErrors } = ran;
  const elapsedSeconds = (performance.now() - started) / 1000;
  writeRunResults(targetDir, results, {
    invocationId: parsed.invocationId,
    elapsedSeconds,
    args: {
      which: command,
      select: options.select ?? [],
      exclude: options.exclude ?? [],
      indirect_selection: options.indirectSelection ?? 'eager',
      full_refresh: options.fullRefresh ?? false,
      vars: options.vars ?? {},
      project_dir: parsed.project.dir,
    },
  });
  const failed =
    results.some((r) => r.status === 'error' || r.status === 'fail') || hookErrors.length > 0;
  if (print) printRunSummary(results, hookErrors, elapsedSeconds);
  return {
    command,
    success: !failed,
    exitCode: failed ? 1 : 0,
    results,
    elapsedSeconds,
    warnings,
    targetDir,
  };
}

/** What a plan's run produced: one result per node, in run order, and the hooks' errors. */
interface PlanOutcome {
  readonly results: readonly NodeResult[];
  readonly hookErrors: readonly string[];
}

/**
 * Runs the `on-run-start` hooks, every node of the plan in order (skipping the downstream nodes of
 * a failure, and every node when `on-run-start` failed), then the `on-run-end` hooks.
 */
async function runPlan(
  command: RunnerCommand,
  parsed: ParsedProject,
  sql: SqlExecutor,
  plan: ExecutionPlan,
  print: boolean,
): Promise<PlanOutcome> {
  const results: NodeResult[] = [];
  const hookErrors: string[] = [];
  const total = plan.size;
  if (print)
    printLine(
      `${clock()}  Running ${total} node(s) of project ${parsed.project.file.name} (${command})`,
    );
  const startError = await runProjectHooks(parsed, sql, 'start');
  if (startError) hookErrors.push(startError);
  for (let node = plan.next(); node; node = plan.next()) {
    const skip = startError ? 'skipped: on-run-start failed' : plan.skipReason(node.uniqueId);
    const result = skip ? skippedResult(node, skip) : await executeNode(parsed, sql, node);
    plan.complete(node.uniqueId, result.status);
    results.push(result);
    if (print) printLine(formatNodeLine(result, results.length, total));
  }
  if (!startError) {
    const endError = await runProjectHooks(parsed, sql, 'end');
    if (endError) hookErrors.push(endError);
  }
  return { results, hookErrors };
}

/** `dbt build`: seeds, models and their tests in dependency order. See {@link runProject}. */
export function build(options: CachedBuildOptions): Promise<BuildResult> {
  return runProject('build', options);
}

/** `dbt run`: models only. */
export function run(options: BuildOptions): Promise<BuildResult> {
  return runProject('run', options);
}

/** `dbt test`: data tests only. */
export function test(options: BuildOptions): Promise<BuildResult> {
  return runProject('test', options);
}

/** `dbt seed`: seeds only. */
export function seed(options: BuildOptions): Promise<BuildResult> {
  return runProject('seed', options);
}
