import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphNode } from '../graph/graph-node.js';
import type { ParsedProject } from '../parser/parse-project.js';
import type { NodeResult } from './node-result.js';
import { writeFileAtomic } from '../../base/files/write-file-atomic.js';

/** The path (relative to the project dir) where a node's compiled SQL goes, dbt's layout. */
export function compiledPathFor(projectName: string, node: GraphNode): string {
  const base = `target/compiled/${projectName}/${node.path}`;
  // A file can define several generic tests or snapshots: each gets its own file below it, as in dbt.
  const nested =
    node.resourceType === 'snapshot' ||
    node.resourceType === 'unit_test' ||
    node.test?.kind === 'generic';
  return nested ? `${base}/${node.name}.sql` : base;
}

/** `target/run/…` twin of a compiled path: what was executed (DDL and DML). */
export function runPathFor(compiledPath: string): string {
  return compiledPath.replace(/^target\/compiled\//, 'target/run/');
}

/** Writes `target/manifest.json`: nodes (with `depends_on`, config, paths), sources, macros, parent and child maps. */
export function writeManifest(parsed: ParsedProject, targetDir: string): void {
  const projectName = parsed.project.file.name;
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  const unitTests: Record<string, unknown> = {};
  for (const node of parsed.nodes.values()) {
    if (node.resourceType === 'source') sources[node.uniqueId] = manifestSource(node, projectName);
    else if (node.resourceType === 'unit_test')
      unitTests[node.uniqueId] = { ...manifestNode(node, projectName), model: node.unitTest.model };
    else nodes[node.uniqueId] = manifestNode(node, projectName);
  }
  const { parentMap, childMap } = dependencyMaps(parsed.nodes.values());
  const manifest = {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      generated_at: new Date().toISOString(),
      invocation_id: parsed.invocationId,
      project_name: projectName,
      adapter_type: 'duckdb',
    },
    nodes,
    sources,
    unit_tests: unitTests,
    macros: manifestMacros(parsed),
    parent_map: parentMap,
    child_map: childMap,
  };
  writeFileAtomic(join(targetDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** dbt's `parent_map` (each node's dependencies) and `child_map` (the nodes depending on each). */
function dependencyMaps(nodes: Iterable<GraphNode>): {
  parentMap: Record<string, string[]>;
  childMap: Record<string, string[]>;
} {
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const node of nodes) {
    parentMap[node.uniqueId] = [...node.dependsOn];
    childMap[node.uniqueId] ??= [];
    for (const dep of node.dependsOn) (childMap[dep] ??= []).push(node.uniqueId);
  }
  return { parentMap, childMap };
}

/** The manifest fields every node and source has. */
function commonFields(node: GraphNode, projectName: string): Record<string, unknown> {
  return {
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    name: node.name,
    package_name: node.packageName ?? projectName,
    original_file_path: node.path,
    path: node.path,
    description: node.description,
    columns: Object.fromEntries(
      node.columns.map((c) => [c.name, { name: c.name, description: c.description }]),
    ),
    tags: node.tags,
    config: node.config,
    ...(node.relation
      ? {
          schema: node.relation.schema,
          alias: node.relation.identifier,
          relation_name: node.materialized === 'ephemeral' ? null : node.relation.render(),
        }
      : {}),
  };
}

/** A source's entry in the manifest's `sources`. */
function manifestSource(node: GraphNode, projectName: string): Record<string, unknown> {
  const [, , sourceName] = node.uniqueId.split('.');
  return {
    ...commonFields(node, projectName),
    source_name: sourceName,
    identifier: node.relation?.identifier,
  };
}

/** A model's, seed's or test's entry in the manifest's `nodes`. */
function manifestNode(node: GraphNode, projectName: string): Record<string, unknown> {
  return {
    ...commonFields(node, projectName),
    raw_code: node.rawCode,
    depends_on: { nodes: node.dependsOn, macros: [] },
    compiled_path: node.resourceType === 'seed' ? null : compiledPathFor(projectName, node),
    ...(node.test
      ? {
          test_metadata: node.test.testName
            ? {
                name: node.test.testName,
                kwargs: { column_name: node.test.columnName, ...node.test.args },
              }
            : undefined,
          attached_node: node.test.attachedNode ?? null,
          column_name: node.test.columnName ?? null,
        }
      : {}),
  };
}

/** The manifest's `macros`: the project's and the built-in ones (package `dbt`). */
function manifestMacros(parsed: ParsedProject): Record<string, unknown> {
  const macros: Record<string, unknown> = {};
  for (const macro of parsed.macros.allMacros()) {
    const id = `macro.${macro.packageName}.${macro.name}`;
    macros[id] = {
      unique_id: id,
      name: macro.name,
      package_name: macro.packageName,
      original_file_path: macro.file,
      line: macro.line,
    };
  }
  return macros;
}

/** Where every run's `run_results.json` is also kept, so that `npm run docs` can show run history. */
export const RUN_HISTORY_DIR = 'run_history';
/** The runs kept in {@link RUN_HISTORY_DIR}; older ones are removed as new ones arrive. */
const KEPT_RUNS = 30;

/**
 * Writes `target/run_results.json` shaped like dbt's, and a copy under `target/run_history/` named
 * by its time, so that file names sort in run order.
 */
export function writeRunResults(
  targetDir: string,
  results: readonly NodeResult[],
  meta: {
    readonly invocationId: string;
    readonly elapsedSeconds: number;
    readonly args: Readonly<Record<string, unknown>>;
  },
): void {
  const document = {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      generated_at: new Date().toISOString(),
      invocation_id: meta.invocationId,
    },
    results: results.map((r) => ({
      unique_id: r.uniqueId,
      status: r.status,
      timing:
        r.status === 'skipped'
          ? []
          : [{ name: 'execute', started_at: r.startedAt, completed_at: r.completedAt }],
      thread_id: 'Thread-1',
      execution_time: r.executionTime,
      adapter_response: { _message: r.message, rows_affected: r.rowsAffected ?? undefined },
      message: r.message,
      failures: r.failures,
      compiled_path: r.compiledPath ?? null,
      relation_name: r.relationName ?? null,
    })),
    elapsed_time: meta.elapsedSeconds,
    args: meta.args,
  };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  writeFileAtomic(join(targetDir, 'run_results.json'), text);
  const stamp = document.metadata.generated_at.replace(/[:.]/g, '-');
  const historyDir = join(targetDir, RUN_HISTORY_DIR);
  writeFileAtomic(join(historyDir, `${stamp}-${meta.invocationId}.json`), text);
  const kept = readdirSync(historyDir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  for (const old of kept.slice(0, Math.max(0, kept.length - KEPT_RUNS)))
    rmSync(join(historyDir, old), { force: true });
}
