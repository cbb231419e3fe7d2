import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedProject } from '../parser/parse-project.js';
import { renderHook, renderNodeSql } from '../compile/render-node.js';
import { describeTemplateError } from '../compile/template-error.js';
import { runDataTest, type TestOutcome } from '../data-test/run-data-test.js';
import { readCheckpoint, recordCheckpoint, sqlFingerprint } from '../data-test/test-checkpoint.js';
import type { GraphNode, ResourceType } from '../graph/graph-node.js';
import { loadSeed } from '../materialize/load-seed.js';
import { MaterializeError } from '../materialize/materialize-error.js';
import { materializeModel } from '../materialize/materialize-model.js';
import { relationKind } from '../../base/warehouse/relation-kind.js';
import { SqlExecutor } from '../../base/warehouse/sql-executor.js';
import { toList } from '../project/folder-config.js';
import { printError, printLine, printWarning, colors } from '../../base/console/console.js';
import { clock, formatNodeLine, formatSummary, summarize } from './node-line.js';
import type { NodeResult } from '../artifacts/node-result.js';
import {
  compiledPathFor,
  runPathFor,
  writeManifest,
  writeRunResults,
} from '../artifacts/write-artifacts.js';
import { writeFileAtomic } from '../../base/files/write-file-atomic.js';
import { openWarehouse, type Warehouse } from '../../base/warehouse/open-warehouse.js';
import { resolveDbPath } from '../../base/warehouse/resolve-db-path.js';
import { ExecutionPlan } from './execution-plan.js';
import { prepareProject } from './prepare-project.js';
import { claimWarehouse } from './warehouse-claim.js';
import type { BuildOptions, BuildResult, RunnerCommand } from './runner-options.js';

const TYPES: Record<RunnerCommand, ReadonlySet<ResourceType>> = {
  build: new Set(['model', 'seed', 'test']),
  run: new Set(['model']),
  test: new Set(['test']),
  seed: new Set(['seed']),
};

/** A node's template failed to render; the message names the node, its file and line. */
class NodeCompileError extends Error {}

function renderOrThrow<T>(node: GraphNode, render: () => T): T {
  try {
    return render();
  } catch (error) {
    const problem = describeTemplateError(error);
    throw new NodeCompileError(
      `Compilation error in ${node.resourceType} ${node.name} (${node.path}${problem.line && node.test?.kind !== 'generic' ? `:${problem.line}` : ''}): ${problem.message}`,
    );
  }
}

/** A node failed at run time; the message names the node, its file, the cause and the compiled SQL. */
function runtimeMessage(node: GraphNode, error: unknown, compiledPath: string | undefined): string {
  if (error instanceof NodeCompileError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return (
    `Runtime error in ${node.resourceType} ${node.name} (${node.path}): ${message.trim()}` +
    (compiledPath ? `\n  compiled SQL: ${compiledPath}` : '')
  );
}

/** Runs one model, seed or test and returns its result (never throws for node failures). */
async function executeNode(
  parsed: ParsedProject,
  sql: SqlExecutor,
  node: GraphNode,
): Promise<Omit<NodeResult, 'startedAt' | 'completedAt' | 'executionTime'>> {
  const projectDir = parsed.project.dir;
  const projectName = parsed.project.file.name;
  const base = {
    uniqueId: node.uniqueId,
    name: node.name,
    resourceType: node.resourceType,
    kind: node.resourceType === 'model' ? (node.materialized ?? 'view') : node.resourceType,
    ...(node.relation && node.resourceType !== 'test'
      ? { relationName: node.relation.render() }
      : {}),
  };
  let compiledPath: string | undefined;
  sql.executed.length = 0;
  try {
    if (node.resourceType === 'seed') {
      const result = await loadSeed(sql, node, join(projectDir, node.path));
      return {
        ...base,
        status: 'success',
        message: result.message,
        rowsAffected: result.rowsAffected,
        failures: null,
      };
    }
    if (node.resourceType === 'test') {
      compiledPath = compiledPathFor(
        projectName,
        node.path,
        node.name,
        node.test?.kind === 'generic',
      );
      const path = join(projectDir, compiledPath);
      const outcome = await runTest(parsed, sql, node, (compiled) =>
        writeFileAtomic(path, `${compiled}\n`),
      );
      return {
        ...base,
        status: outcome.status,
        message: outcome.message,
        rowsAffected: null,
        failures: outcome.failures,
        compiledPath,
      };
    }
    compiledPath = compiledPathFor(projectName, node.path, node.name, false);
    const existing = await relationKind(sql, node.relation!);
    // dbt: a model's `full_refresh: true|false` config wins over the --full-refresh flag.
    const configured = node.config['full_refresh'];
    const fullRefresh = typeof configured === 'boolean' ? configured : parsed.fullRefresh;
    const incremental = node.materialized === 'incremental' && existing === 'table' && !fullRefresh;
    const compiled = renderOrThrow(node, () =>
      renderNodeSql(parsed, node, { isIncremental: incremental }),
    );
    writeFileAtomic(join(projectDir, compiledPath), `${compiled}\n`);
    const hooks = (key: string): string[] =>
      renderOrThrow(node, () =>
        toList(node.config[key])
          .map((hook) => renderHook(parsed, String(hook), node))
          .filter(Boolean),
      );
    const preHooks = hooks('pre_hook');
    const postHooks = hooks('post_hook');
    const result = await materializeModel(sql, {
      node,
      sql: compiled,
      preHooks,
      postHooks,
      existing,
      incremental,
    });
    writeFileAtomic(join(projectDir, runPathFor(compiledPath)), `${sql.executed.join(';\n\n')};\n`);
    return {
      ...base,
      status: 'success',
      message: result.message,
      rowsAffected: result.rowsAffected,
      failures: null,
      compiledPath,
    };
  } catch (error) {
    return {
      ...base,
      status: 'error',
      message: runtimeMessage(node, error, compiledPath),
      rowsAffected: null,
      failures: null,
      ...(compiledPath ? { compiledPath } : {}),
    };
  }
}

/**
 * Renders and runs a data test. A test configured with `new_rows_by` runs in one transaction with
 * its checkpoint: it checks only the rows above its checkpoint when it has a valid one, and records
 * a new checkpoint when it passes with no failing row (see src/engine/data-test/test-checkpoint.ts).
 */
async function runTest(
  parsed: ParsedProject,
  sql: SqlExecutor,
  node: GraphNode,
  writeCompiled: (compiled: string) => void,
): Promise<TestOutcome> {
  const wholeRelation = renderOrThrow(node, () => renderNodeSql(parsed, node));
  const column = node.config['new_rows_by'];
  const attached = node.test?.attachedNode ? parsed.nodes.get(node.test.attachedNode) : undefined;
  if (typeof column !== 'string' || !attached?.relation) {
    writeCompiled(wholeRelation);
    return runDataTest(sql, node, wholeRelation);
  }
  const checkpoint = {
    testId: node.uniqueId,
    relation: attached.relation.render(),
    column,
    fingerprint: sqlFingerprint(wholeRelation),
  };
  return sql.transaction(async () => {
    const checkedThrough = await readCheckpoint(sql, {
      ...checkpoint,
      fullRefresh: parsed.fullRefresh,
    });
    const compiled =
      checkedThrough === null
        ? wholeRelation
        : renderOrThrow(node, () =>
            renderNodeSql(parsed, node, { testCheckpoint: { column, checkedThrough } }),
          );
    writeCompiled(compiled);
    const outcome = await runDataTest(sql, node, compiled);
    // Only a run whose query returned no row at all (whatever fail_calc made of the rows).
    if (outcome.status === 'pass' && outcome.failingRows === 0)
      await recordCheckpoint(sql, checkpoint);
    return outcome;
  });
}

/** Runs the `on-run-start`/`on-run-end` hooks; returns an error message or undefined. */
async function runProjectHooks(
  parsed: ParsedProject,
  sql: SqlExecutor,
  which: 'start' | 'end',
): Promise<string | undefined> {
  const file = parsed.project.file;
  const hooks = which === 'start' ? file.onRunStart : file.onRunEnd;
  const lines = which === 'start' ? file.onRunStartLines : file.onRunEndLines;
  for (const [index, hook] of hooks.entries()) {
    const line = lines[index];
    let rendered = '';
    try {
      rendered = renderHook(parsed, hook);
      if (rendered) await sql.run(rendered);
    } catch (error) {
      const problem = describeTemplateError(error);
      return `on-run-${which} hook #${index + 1} (dbt_project.yml${line !== undefined ? `:${line}` : ''}) failed: ${problem.message}`;
    }
  }
  return undefined;
}

/**
 * Runs a project: `build` (seeds, models and their tests in dependency order), `run` (models),
 * `test` (data tests) or `seed`. Problems with the project itself throw a ProjectError/UserError
 * (exit 2) before anything runs; a busy warehouse throws a WarehouseError. Node failures do not
 * throw: they are in the results, with downstream nodes skipped, and `exitCode` is 1.
 * Writes `target/manifest.json`, `target/run_results.json` and compiled SQL under `target/compiled`.
 */
export async function runProject(
  command: RunnerCommand,
  options: BuildOptions,
): Promise<BuildResult> {
  const started = performance.now();
  const print = options.print ?? true;
  const { parsed, selected, warnings } = prepareProject(options, TYPES[command]);
  const targetDir = join(parsed.project.dir, 'target');

  const dbPath = resolveDbPath(parsed.project.dir, options.dbPath);
  const release = claimWarehouse(dbPath);
  let warehouse: Warehouse;
  try {
    warehouse = await openWarehouse(dbPath, {
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
    });
  } catch (error) {
    release();
    throw error;
  }
  // Only a build that holds the warehouse writes target/ (a refused one leaves it to the running one).
  const results: NodeResult[] = [];
  const hookErrors: string[] = [];
  try {
    mkdirSync(targetDir, { recursive: true });
    writeManifest(parsed, targetDir);
    if (print) for (const warning of warnings) printWarning(warning);
    if (options.beforeBuild) await options.beforeBuild(warehouse);
    const sql = new SqlExecutor(warehouse.connection);
    const plan = new ExecutionPlan(parsed.nodes, selected);
    const total = plan.size;
    if (print)
      printLine(
        `${clock()}  Running ${total} node(s) of project ${parsed.project.file.name} (${command})`,
      );
    const startError = await runProjectHooks(parsed, sql, 'start');
    if (startError) hookErrors.push(startError);
    for (let node = plan.next(); node; node = plan.next()) {
      const begin = new Date();
      const t0 = performance.now();
      const skip = startError ? 'skipped: on-run-start failed' : plan.skipReason(node.uniqueId);
      let result: NodeResult;
      if (skip) {
        result = {
          uniqueId: node.uniqueId,
          name: node.name,
          resourceType: node.resourceType,
          kind: node.resourceType === 'model' ? (node.materialized ?? 'view') : node.resourceType,
          ...(node.relation && node.resourceType !== 'test'
            ? { relationName: node.relation.render() }
            : {}),
          status: 'skipped',
          message: skip,
          rowsAffected: null,
          failures: null,
          executionTime: 0,
          startedAt: begin.toISOString(),
          completedAt: begin.toISOString(),
        };
      } else {
        const outcome = await executeNode(parsed, sql, node);
        result = {
          ...outcome,
          executionTime: (performance.now() - t0) / 1000,
          startedAt: begin.toISOString(),
          completedAt: new Date().toISOString(),
        };
      }
      plan.complete(node.uniqueId, result.status);
      results.push(result);
      if (print) printLine(formatNodeLine(result, results.length, total));
    }
    if (!startError) {
      const endError = await runProjectHooks(parsed, sql, 'end');
      if (endError) hookErrors.push(endError);
    }
  } finally {
    warehouse.close();
    release();
  }
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
  if (print) reportEnd(results, hookErrors, elapsedSeconds);
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

function reportEnd(
  results: readonly NodeResult[],
  hookErrors: readonly string[],
  elapsedSeconds: number,
): void {
  printLine('');
  printLine(
    `${clock()}  Finished running ${results.length} node(s) in ${elapsedSeconds.toFixed(2)}s.`,
  );
  const problems = results.filter(
    (r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn',
  );
  const counts = summarize(results);
  if (problems.length > 0 || hookErrors.length > 0) {
    printLine('');
    printLine(
      counts.error + hookErrors.length > 0
        ? colors.red(
            `Completed with ${counts.error + hookErrors.length} error(s) and ${counts.warn} warning(s):`,
          )
        : colors.yellow(`Completed with ${counts.warn} warning(s):`),
    );
    for (const message of hookErrors) printError(message);
    for (const result of problems) {
      if (result.status === 'error') {
        printLine(`  ${result.message}`);
        continue;
      }
      const label = result.status === 'warn' ? 'Warning in' : 'Failure in';
      printLine(
        `  ${label} test ${result.name}: ${result.message}${result.compiledPath ? `\n    compiled SQL: ${result.compiledPath}` : ''}`,
      );
    }
  } else {
    printLine('');
    printLine(colors.green('Completed successfully'));
  }
  printLine('');
  printLine(formatSummary(results));
}

/** `dbt build`: seeds, models and their tests in dependency order. See {@link runProject}. */
export function build(options: BuildOptions): Promise<BuildResult> {
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
