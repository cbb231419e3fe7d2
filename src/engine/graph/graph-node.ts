import type nunjucks from 'nunjucks';
import type { Relation } from '../../base/warehouse/relation.js';

/** The kinds of nodes in a project graph (sources are graph roots that never run). */
export type ResourceType = 'model' | 'seed' | 'test' | 'source';

/** How a model is built. */
export type Materialization = 'view' | 'table' | 'incremental' | 'ephemeral';

/** Test-specific facts of a test node. */
export interface TestInfo {
  readonly kind: 'generic' | 'singular';
  /** Generic tests: `unique`, `not_null`, …. */
  readonly testName?: string;
  /** The model/seed/source the test is declared on (generic tests). */
  readonly attachedNode?: string;
  readonly columnName?: string;
  readonly args?: Readonly<Record<string, unknown>>;
}

/**
 * A node of the project graph after the parse pass: its final config (project < YAML < file),
 * its dependencies (`unique_id`s) and the template that renders its SQL.
 */
export interface GraphNode {
  /** `model.<project>.<name>`, `seed.…`, `test.…`, `source.<project>.<source>.<table>`. */
  readonly uniqueId: string;
  readonly resourceType: ResourceType;
  readonly name: string;
  /** The file it comes from, relative to the project dir (`original_file_path`). */
  readonly path: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  /** `unique_id`s of the nodes it reads (models, seeds, sources). */
  readonly dependsOn: readonly string[];
  /** Where it lives in the warehouse (models, seeds, sources). */
  readonly relation?: Relation;
  /** The model's materialization (models only). */
  readonly materialized?: Materialization;
  readonly rawCode: string;
  readonly description: string;
  readonly columns: readonly { readonly name: string; readonly description: string }[];
  readonly test?: TestInfo;
  /** Renders the node's SQL (not for seeds and sources). */
  readonly template?: nunjucks.Template;
  /** Extra names the template needs (test arguments). */
  readonly extraContext?: Readonly<Record<string, unknown>>;
}
