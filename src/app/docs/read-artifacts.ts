import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../base/errors/user-error.js';
import { RUN_HISTORY_DIR } from '../../engine/artifacts/write-artifacts.js';
import type { DocsLastRun, DocsNode, DocsRun, DocsTestRef } from './site/docs-data.js';

/** The parts of a manifest entry the site reads (nodes and sources alike). */
interface ManifestEntry {
  readonly unique_id: string;
  readonly resource_type: string;
  readonly name: string;
  readonly package_name: string;
  readonly original_file_path: string;
  readonly description?: string;
  readonly columns?: Record<string, { name: string; description?: string }>;
  readonly tags?: string[];
  readonly config?: Record<string, unknown>;
  readonly schema?: string;
  readonly alias?: string;
  readonly identifier?: string;
  readonly relation_name?: string | null;
  readonly raw_code?: string;
  readonly compiled_path?: string | null;
  readonly attached_node?: string | null;
  readonly column_name?: string | null;
}

interface Manifest {
  readonly metadata: { readonly project_name: string; readonly adapter_type?: string };
  readonly nodes: Record<string, ManifestEntry>;
  readonly sources: Record<string, ManifestEntry>;
  readonly parent_map: Record<string, string[]>;
}

interface RunResultsFile {
  readonly metadata: { readonly generated_at: string; readonly invocation_id: string };
  readonly elapsed_time: number;
  readonly args?: Record<string, unknown>;
  readonly results: readonly {
    unique_id: string;
    status: string;
    execution_time: number;
    timing?: { completed_at?: string }[];
    message?: string | null;
    failures?: number | null;
  }[];
}

/** What the artifacts say, before the warehouse adds types, row counts and health. */
export interface ArtifactsView {
  readonly projectName: string;
  readonly adapterType: string;
  readonly nodes: DocsNode[];
  readonly edges: [string, string][];
  readonly runs: DocsRun[];
  /** Each built relation's schema and name, by unique id (ephemeral models and tests have none). */
  readonly relations: Map<string, RelationName>;
}

export interface RelationName {
  readonly schema: string;
  readonly identifier: string;
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new UserError(`${path}: cannot read ${what}: ${reason}`, 2, { cause });
  }
}

/**
 * Reads `target/manifest.json`, the last `run_results.json`, the kept run history and the compiled
 * SQL. A project never built or compiled has no manifest: a {@link UserError} saying what to run.
 */
export function readArtifacts(projectDir: string): ArtifactsView {
  const targetDir = join(projectDir, 'target');
  const manifestPath = join(targetDir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new UserError(
      `${manifestPath} does not exist: build or compile the project first ` +
        '(`npm run build-models`, or `npm run dbt -- compile`), then run `npm run docs`.',
      2,
    );
  }
  const manifest = readJson<Manifest>(manifestPath, 'the manifest');
  const runs = readRunHistory(targetDir);
  const lastResults = lastResultsById(targetDir);
  const entries = [...Object.values(manifest.nodes), ...Object.values(manifest.sources)];
  const known = new Set(entries.map((entry) => entry.unique_id));
  const edges: [string, string][] = [];
  for (const [child, parents] of Object.entries(manifest.parent_map)) {
    if (!known.has(child)) continue;
    for (const parent of parents) if (known.has(parent)) edges.push([parent, child]);
  }
  const testsOf = testsByNode(entries, lastResults);
  const nodes = entries
    .filter((entry) => entry.resource_type !== 'unit_test')
    .map((entry) => docsNode(entry, projectDir, lastResults, testsOf));
  const relations = new Map<string, RelationName>();
  for (const entry of entries) {
    const identifier = entry.identifier ?? entry.alias;
    if (entry.relation_name && entry.schema && identifier && entry.resource_type !== 'test')
      relations.set(entry.unique_id, { schema: entry.schema, identifier });
  }
  return {
    relations,
    projectName: manifest.metadata.project_name,
    adapterType: manifest.metadata.adapter_type ?? 'duckdb',
    nodes,
    edges,
    runs,
  };
}

/** Each node's and each column's tests (key `id` or `id.column`), with their last status. */
function testsByNode(
  entries: readonly ManifestEntry[],
  lastResults: ReadonlyMap<string, DocsLastRun>,
): Map<string, DocsTestRef[]> {
  const testsOf = new Map<string, DocsTestRef[]>();
  for (const entry of entries) {
    if (entry.resource_type !== 'test' || !entry.attached_node) continue;
    const ref = {
      id: entry.unique_id,
      name: entry.name,
      status: lastResults.get(entry.unique_id)?.status ?? null,
    };
    const keys = [entry.attached_node];
    if (entry.column_name) keys.push(`${entry.attached_node}.${entry.column_name}`);
    for (const key of keys) testsOf.set(key, [...(testsOf.get(key) ?? []), ref]);
  }
  return testsOf;
}

function docsNode(
  entry: ManifestEntry,
  projectDir: string,
  lastResults: ReadonlyMap<string, DocsLastRun>,
  testsOf: ReadonlyMap<string, DocsTestRef[]>,
): DocsNode {
  const config = entry.config ?? {};
  const text = (value: unknown): string | null =>
    value === undefined || value === null
      ? null
      : Array.isArray(value)
        ? value.join(', ')
        : String(value);
  const compiledFile = entry.compiled_path ? join(projectDir, entry.compiled_path) : null;
  return {
    id: entry.unique_id,
    name: entry.name,
    resourceType: entry.resource_type,
    packageName: entry.package_name,
    path: entry.original_file_path,
    layer: layerOf(entry),
    description: entry.description ?? '',
    materialized: entry.resource_type === 'source' ? null : text(config['materialized']),
    incrementalStrategy:
      config['materialized'] === 'incremental'
        ? (text(config['incremental_strategy']) ??
          (config['unique_key'] ? 'delete+insert' : 'append'))
        : null,
    uniqueKey: text(config['unique_key']),
    tags: entry.tags ?? [],
    relation: entry.relation_name ?? null,
    rawCode: entry.raw_code ?? null,
    compiledCode:
      compiledFile !== null && existsSync(compiledFile) ? readFileSync(compiledFile, 'utf8') : null,
    columns: Object.values(entry.columns ?? {}).map((column) => ({
      name: column.name,
      type: null,
      description: column.description ?? '',
      tests: testsOf.get(`${entry.unique_id}.${column.name}`) ?? [],
    })),
    rowCount: null,
    lastRun: lastResults.get(entry.unique_id) ?? null,
    testOf: entry.attached_node ?? null,
    columnName: entry.column_name ?? null,
    tests: testsOf.get(entry.unique_id) ?? [],
  };
}

/** Where a node sits in the flow: sources and seeds land, tests check, models by their folder. */
function layerOf(entry: ManifestEntry): string {
  if (entry.resource_type === 'source' || entry.resource_type === 'seed') return 'landing';
  if (entry.resource_type === 'test') return 'test';
  if (entry.resource_type === 'snapshot') return 'snapshot';
  const folders = entry.original_file_path.split('/').slice(1, -1);
  return folders[0] ?? entry.resource_type;
}

function lastResultsById(targetDir: string): Map<string, DocsLastRun> {
  const path = join(targetDir, 'run_results.json');
  const results = new Map<string, DocsLastRun>();
  if (!existsSync(path)) return results;
  for (const result of readJson<RunResultsFile>(path, 'the run results').results) {
    results.set(result.unique_id, {
      status: result.status,
      executionTime: result.execution_time,
      completedAt: result.timing?.[0]?.completed_at ?? null,
      message: result.message ?? null,
      failures: result.failures ?? null,
    });
  }
  return results;
}

/** The kept runs, oldest first; a file that cannot be read is left out (history is best effort). */
function readRunHistory(targetDir: string): DocsRun[] {
  const dir = join(targetDir, RUN_HISTORY_DIR);
  if (!existsSync(dir)) return [];
  const runs: DocsRun[] = [];
  for (const name of readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()) {
    let file: RunResultsFile;
    try {
      file = JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunResultsFile;
    } catch {
      continue;
    }
    const statusCounts: Record<string, number> = {};
    for (const result of file.results)
      statusCounts[result.status] = (statusCounts[result.status] ?? 0) + 1;
    runs.push({
      invocationId: file.metadata.invocation_id,
      generatedAt: file.metadata.generated_at,
      elapsedSeconds: file.elapsed_time,
      command: String(file.args?.['which'] ?? file.args?.['command'] ?? 'build'),
      statusCounts,
      nodes: file.results.map((result) => ({
        id: result.unique_id,
        status: result.status,
        executionTime: result.execution_time,
      })),
    });
  }
  return runs;
}
