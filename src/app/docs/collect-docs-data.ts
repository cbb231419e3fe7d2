import { existsSync } from 'node:fs';
import type { WarehouseTarget } from '../../engine/project/profiles.js';
import { withReadOnlyKysely } from '../explore/kysely/with-read-only-kysely.js';
import { readDocsHealth } from './docs-health.js';
import { readArtifacts, type RelationName } from './read-artifacts.js';
import { readBenchmarks } from './read-benchmarks.js';
import type { DocsColumn, DocsData, DocsHealth, DocsNode } from './site/docs-data.js';
import { readCatalog, type CatalogEntry } from './warehouse-catalog.js';

export interface CollectDocsOptions {
  /** The folder holding `dbt_project.yml` and `target/`. */
  readonly projectDir: string;
  /** The warehouse to read types, row counts and health from (read-only). */
  readonly target: WarehouseTarget;
}

/**
 * Everything the site shows: the artifacts, then what the warehouse holds (opened read-only, or
 * through a running consumer's query endpoint). A warehouse file that does not exist yet gives a
 * site without types, row counts or health, not an error.
 */
export async function collectDocsData(options: CollectDocsOptions): Promise<DocsData> {
  const artifacts = readArtifacts(options.projectDir);
  let catalog = new Map<string, CatalogEntry>();
  let health: DocsHealth | null = null;
  const missing = options.target.path !== ':memory:' && !existsSync(options.target.path);
  if (!missing) {
    await withReadOnlyKysely(options.target.path, async (db) => {
      catalog = await readCatalog(db, artifacts.relations);
      health = await readDocsHealth(
        db,
        builtByName(artifacts.nodes, artifacts.relations, catalog, artifacts.projectName),
      );
    });
  }
  return {
    generatedAt: new Date().toISOString(),
    projectName: artifacts.projectName,
    adapterType: artifacts.adapterType,
    target: { name: options.target.name, schema: options.target.schema, path: options.target.path },
    warehouse: missing ? 'missing' : catalog.size === 0 ? 'empty' : 'built',
    nodes: artifacts.nodes.map((node) => withCatalog(node, catalog.get(node.id))),
    edges: artifacts.edges,
    health,
    runs: artifacts.runs,
    benchmarks: readBenchmarks(options.projectDir),
  };
}

/** Built relations by node name (a source by its table), the root project's first. */
function builtByName(
  nodes: readonly DocsNode[],
  relations: ReadonlyMap<string, RelationName>,
  catalog: ReadonlyMap<string, CatalogEntry>,
  projectName: string,
): Map<string, RelationName> {
  const byName = new Map<string, RelationName>();
  const ordered = [...nodes].sort(
    (a, b) => Number(b.packageName === projectName) - Number(a.packageName === projectName),
  );
  for (const node of ordered) {
    const relation = relations.get(node.id);
    if (!relation || !catalog.has(node.id)) continue;
    const key = node.resourceType === 'source' ? relation.identifier : node.name;
    if (!byName.has(key)) byName.set(key, relation);
  }
  return byName;
}

/**
 * A node with the warehouse's column types and row count. Columns come in the warehouse's order,
 * with the documented ones that the relation does not have after them (type null).
 */
function withCatalog(node: DocsNode, entry: CatalogEntry | undefined): DocsNode {
  if (!entry) return node;
  const documented = new Map(node.columns.map((column) => [column.name.toLowerCase(), column]));
  const columns: DocsColumn[] = entry.columns.map((column) => {
    const doc = documented.get(column.name.toLowerCase());
    documented.delete(column.name.toLowerCase());
    return {
      name: column.name,
      type: column.type,
      description: doc?.description ?? '',
      tests: doc?.tests ?? [],
    };
  });
  return { ...node, columns: [...columns, ...documented.values()], rowCount: entry.rowCount };
}
