import { join } from 'node:path';
import type { ParsedProject } from '../parser/parse-project.js';
import { injectCtes, renderHook, renderNodeSql } from '../compile/render-node.js';
import { checkGivenColumns, rowsSql, runUnitTest } from '../data-test/run-unit-test.js';
import { Relation } from '../../base/warehouse/relation.js';
import { runDataTest, type TestOutcome } from '../data-test/run-data-test.js';
import { runCheckpointedTest } from '../data-test/test-checkpoint.js';
import { nodeOfKind, type GraphNode } from '../graph/graph-node.js';
import { loadSeed } from '../materialize/load-seed.js';
import { materializeModel, type MaterializeResult } from '../materialize/materialize-model.js';
import { materializeSnapshot } from '../materialize/materialize-snapshot.js';
import { relationKind } from '../../base/warehouse/relation-kind.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';
import { toList } from '../project/folder-config.js';
import type { NodeResult } from '../artifacts/node-result.js';
import { compiledPathFor, runPathFor } from '../artifacts/write-artifacts.js';
import { writeFileAtomic } from '../../base/files/write-file-atomic.js';
import { renderOrThrow, runtimeMessage } from './node-error.js';
import { renderWithQueries } from './render-with-queries.js';
import type { WarehouseQueries } from '../compile/warehouse-queries.js';

/** A node's result without its timing. */
type NodeOutcome = Omit<NodeResult, 'startedAt' | 'completedAt' | 'executionTime'>;

/** The part of a node's result that does not depend on how it ran. */
function resultBase(node: GraphNode) {
  return {
    uniqueId: node.uniqueId,
    name: node.name,
    resourceType: node.resourceType,
    kind: node.resourceType === 'model' ? (node.materialized ?? 'view') : node.resourceType,
    relationName: node.resourceType === 'test' ? undefined : node.relation?.render(),
  };
}

/** The result of a node that did not run, `reason` saying why. */
export function skippedResult(node: GraphNode, reason: string): NodeResult {
  const at = new Date().toISOString();
  return {
    ...resultBase(node),
    status: 'skipped',
    message: reason,
    rowsAffected: null,
    failures: null,
    executionTime: 0,
    startedAt: at,
    completedAt: at,
  };
}

/** Runs one model, seed or test and returns its timed result (never throws for node failures). */
export async function executeNode(
  parsed: ParsedProject,
  sql: SqlExecutor,
  node: GraphNode,
): Promise<NodeResult> {
  const begin = new Date();
  const t0 = performance.now();
  const outcome = await runNode(parsed, sql, node);
  return {
    ...outcome,
    executionTime: (performance.now() - t0) / 1000,
    startedAt: begin.toISOString(),
    completedAt: new Date().toISOString(),
  };
}

/** Runs one node, its failure becoming an `error` result that names the node and its compiled SQL. */
async function runNode(
  parsed: ParsedProject,
  sql: SqlExecutor,
  node: GraphNode,
): Promise<NodeOutcome> {
  const base = resultBase(node);
  const compiledPath =
    node.resourceType === 'seed' ? undefined : compiledPathFor(parsed.project.file.name, node);
  sql.executed.length = 0;
  try {
    // Only seeds have no compiled SQL: they load a CSV file.
    if (node.resourceType === 'seed') {
      const seedFile = join(parsed.project.dir, node.path);
      const { message, rowsAffected } = await loadSeed(sql, node, seedFile, {
        preHooks: () => renderHooks(parsed, sql, node, 'pre_hook'),
        postHooks: () => renderHooks(parsed, sql, node, 'post_hook'),
      });
      return { ...base, status: 'success', message, rowsAffected, failures: null };
    }
    if (compiledPath === undefined) throw new Error(`${node.uniqueId} has no compiled SQL`);
    if (node.resourceType === 'test') {
      const { status, message, failures } = await runTest(parsed, sql, node, compiledPath);
      return { ...base, status, message, rowsAffected: null, failures, compiledPath };
    }
    if (node.resourceType === 'unit_test') {
      const { status, message, failures } = await runUnit(parsed, sql, node, compiledPath);
      return { ...base, status, message, rowsAffected: null, failures, compiledPath };
    }
    const { message, rowsAffected } = await runModel(parsed, sql, node, compiledPath);
    return { ...base, status: 'success', message, rowsAffected, failures: null, compiledPath };
  } catch (error) {
    const message = runtimeMessage(node, error, compiledPath);
    return { ...base, status: 'error', message, rowsAffected: null, failures: null, compiledPath };
  }
}

/** A model's or seed's `pre_hook`/`post_hook` statements, rendered for the node. */
async function renderHooks(
  parsed: ParsedProject,
  sql: SqlExecutor,
  node: GraphNode,
  key: 'pre_hook' | 'post_hook',
): Promise<string[]> {
  const rendered: string[] = [];
  for (const hook of toList(node.config[key])) {
    const text = await render(sql, node, (queries) =>
      renderHook(parsed, String(hook), node, queries),
    );
    if (text) rendered.push(text);
  }
  return rendered;
}

/** Renders for `node` with the warehouse at hand, a template error naming the node. */
function render(
  sql: SqlExecutor,
  node: GraphNode,
  draw: (queries: WarehouseQueries) => string,
): Promise<string> {
  return renderWithQueries(sql, (queries) => renderOrThrow(node, () => draw(queries)));
}

/**
 * Renders and builds a model or a snapshot with its hooks, writing the compiled SQL and what was
 * executed (`target/run/`).
 */
async function runModel(
  parsed: ParsedProject,
  sql: SqlExecutor,
  node: GraphNode,
  compiledPath: string,
): Promise<MaterializeResult> {
  const projectDir = parsed.project.dir;
  const existing = await relationKind(sql, node.relation!);
  // dbt: a model's `full_refresh: true|false` config wins over the --full-refresh flag.
  const configured = node.config['full_refresh'];
  const fullRefresh = typeof configured === 'boolean' ? configured : parsed.fullRefresh;
  const incremental = node.materialized === 'incremental' && existing === 'table' && !fullRefresh;
  const rendered = await render(sql, node, (queries) =>
    renderNodeSql(parsed, node, { isIncremental: incremental, queries }),
  );
  // A snapshot's query keeps the lines before it in its file, padded so that errors name them.
  const compiled = node.resourceType === 'snapshot' ? rendered.trim() : rendered;
  writeFileAtomic(join(projectDir, compiledPath), `${compiled}\n`);
  const build = {
    node,
    sql: compiled,
    preHooks: () => renderHooks(parsed, sql, node, 'pre_hook'),
    postHooks: () => renderHooks(parsed, sql, node, 'post_hook'),
    existing,
  };
  const result =
    node.resourceType === 'snapshot'
      ? await materializeSnapshot(sql, build)
      : await materializeModel(sql, { ...build, incremental });
  writeFileAtomic(join(projectDir, runPathFor(compiledPath)), `${sql.executed.join(';\n\n')};\n`);
  return result;
}

/** The columns and types of `relation`, or undefined when it does not exist (yet). */
async function columnsOf(sql: SqlExecutor, relation: Relation | undefined) {
  if (!relation || (await relationKind(sql, relation)) === null) return undefined;
  return sql.columns(`select * from ${relation.render()}`);
}

/**
 * Runs a unit test: its model rendered with each input replaced by the given rows (typed as the
 * input relation's columns when it exists), then compared with the expected rows.
 */
async function runUnit(
  parsed: ParsedProject,
  sql: SqlExecutor,
  graphNode: GraphNode,
  compiledPath: string,
): Promise<TestOutcome> {
  const node = nodeOfKind(graphNode, 'unit_test');
  const model = parsed.nodes.get(node.unitTest.model)!;
  const substitutes = new Map<string, Relation>();
  const fixtures: { name: string; sql: string }[] = [];
  const renderModel = (state: { isIncremental: boolean }) =>
    render(sql, model, (queries) =>
      parsed.macros.withOverrides(node.unitTest.macros, () =>
        renderNodeSql(parsed, model, {
          ...state,
          substitutes,
          vars: node.unitTest.vars,
          env: node.unitTest.envVars,
          queries,
        }),
      ),
    );
  const given = node.unitTest.given;
  // Inputs first, `this` last: rows given for a model not built yet take the types of its output.
  for (const [i, input] of [...given.entries()].sort(
    ([, a], [, b]) => Number(a.node === model.uniqueId) - Number(b.node === model.uniqueId),
  )) {
    const name = `__dbt__unit_input_${i + 1}`;
    let columns = await columnsOf(sql, parsed.nodes.get(input.node)?.relation);
    if (!columns && input.node === model.uniqueId)
      columns = await sql.columns(
        injectCtes(await renderModel({ isIncremental: false }), fixtures),
      );
    const inputNode = parsed.nodes.get(input.node);
    if (!columns && inputNode?.resourceType === 'source')
      throw new Error(
        `unit test "${node.name}": the source ${inputNode.uniqueId.split('.').slice(2).join('.')} (${inputNode.relation.render()}) does not exist in the warehouse, so the types of its given rows are unknown: load it first, as dbt needs too`,
      );
    if (columns) checkGivenColumns(node.name, inputNode?.name ?? input.node, input.rows, columns);
    substitutes.set(input.node, new Relation('', name, name));
    fixtures.push({ name, sql: rowsSql(input.rows, columns) });
  }
  const modelSql = await renderModel({ isIncremental: node.unitTest.isIncremental });
  const withFixtures = injectCtes(modelSql, fixtures);
  // The model over its fixtures first, so that a model that fails to run can be read there.
  writeFileAtomic(join(parsed.project.dir, compiledPath), `${withFixtures}\n`);
  const outcome = await runUnitTest(sql, node, withFixtures);
  writeFileAtomic(join(parsed.project.dir, compiledPath), `${outcome.compiled}\n`);
  return outcome;
}

/**
 * Renders and runs a data test, writing the SQL it ran. A test configured with `new_rows_by` on an
 * attached model runs against its checkpoint (see src/engine/data-test/test-checkpoint.ts).
 */
async function runTest(
  parsed: ParsedProject,
  sql: SqlExecutor,
  node: GraphNode,
  compiledPath: string,
): Promise<TestOutcome> {
  const path = join(parsed.project.dir, compiledPath);
  const writeCompiled = (compiled: string): void => writeFileAtomic(path, `${compiled}\n`);
  const wholeRelation = await render(sql, node, (queries) =>
    renderNodeSql(parsed, node, { queries }),
  );
  const column = node.config['new_rows_by'];
  const attached = node.test?.attachedNode ? parsed.nodes.get(node.test.attachedNode) : undefined;
  if (typeof column !== 'string' || !attached?.relation) {
    writeCompiled(wholeRelation);
    return runDataTest(sql, node, wholeRelation);
  }
  return runCheckpointedTest(sql, node, {
    relation: attached.relation.render(),
    column,
    wholeRelation,
    fullRefresh: parsed.fullRefresh,
    renderAbove: (checkedThrough) =>
      render(sql, node, (queries) =>
        renderNodeSql(parsed, node, { testCheckpoint: { column, checkedThrough }, queries }),
      ),
    writeCompiled,
  });
}
