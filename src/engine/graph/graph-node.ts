import type nunjucks from 'nunjucks';
import type { ColumnProperties, UnitTestRows } from '../project/properties.js';
import type { Relation } from '../../base/warehouse/relation.js';
import type {
  Materialization,
  ModelConfig,
  SeedConfig,
  SnapshotConfig,
  TestConfig,
} from './node-config.js';

/** The kinds of nodes in a project graph (sources are graph roots that never run). */
export type ResourceType = 'model' | 'seed' | 'snapshot' | 'test' | 'unit_test' | 'source';

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

/** What every node has. */
interface NodeBase {
  /** `model.<project>.<name>`, `seed.…`, `test.…`, `source.<project>.<source>.<table>`. */
  readonly uniqueId: string;
  readonly name: string;
  /** The installed package it belongs to (`package_name`); undefined for the root project's. */
  readonly packageName?: string;
  /** The file it comes from, relative to the project dir (`original_file_path`). */
  readonly path: string;
  /** The final config as written (project < YAML < file), for templates and `manifest.json`. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  /** `unique_id`s of the nodes it reads (models, seeds, sources). */
  readonly dependsOn: readonly string[];
  readonly rawCode: string;
  readonly description: string;
  readonly columns: readonly ColumnProperties[];
}

/** A SQL model: it lives in the warehouse (an ephemeral one only as a CTE of its readers). */
export interface ModelNode extends NodeBase {
  readonly resourceType: 'model';
  readonly relation: Relation;
  readonly materialized: Materialization;
  readonly resolved: ModelConfig;
  /** Renders the model's SELECT. */
  readonly template: nunjucks.Template;
  readonly test?: undefined;
  readonly extraContext?: undefined;
}

/** A CSV loaded into a table. */
export interface SeedNode extends NodeBase {
  readonly resourceType: 'seed';
  readonly relation: Relation;
  readonly resolved: SeedConfig;
  readonly materialized?: undefined;
  readonly template?: undefined;
  readonly test?: undefined;
  readonly extraContext?: undefined;
}

/** A table that keeps every version of the rows of a query (dbt's type-2 slowly changing dimension). */
export interface SnapshotNode extends NodeBase {
  readonly resourceType: 'snapshot';
  readonly relation: Relation;
  readonly resolved: SnapshotConfig;
  /** Renders the query whose rows are snapshotted. */
  readonly template: nunjucks.Template;
  readonly materialized?: undefined;
  readonly test?: undefined;
  readonly extraContext?: undefined;
}

/** A table declared under `sources:`, read by models and never built. */
export interface SourceNode extends NodeBase {
  readonly resourceType: 'source';
  readonly relation: Relation;
  readonly resolved?: undefined;
  readonly materialized?: undefined;
  readonly template?: undefined;
  readonly test?: undefined;
  readonly extraContext?: undefined;
}

/** What a unit test runs: its model on given rows, compared with the expected rows. */
export interface UnitTestInfo {
  /** `unique_id` of the model under test. */
  readonly model: string;
  /** Each given input by the `unique_id` it stands for (`this` for the model's own table). */
  readonly given: readonly { readonly node: string; readonly rows: UnitTestRows }[];
  readonly expect: UnitTestRows;
  readonly vars: Readonly<Record<string, unknown>>;
  /** `overrides.macros.is_incremental`. */
  readonly isIncremental: boolean;
  /** The other `overrides.macros`: each macro's fixed value while the model renders. */
  readonly macros: Readonly<Record<string, unknown>>;
  readonly envVars: Readonly<Record<string, string>>;
}

/** A unit test (dbt 1.8): run before its model in `build`, which is skipped when it fails. */
export interface UnitTestNode extends NodeBase {
  readonly resourceType: 'unit_test';
  readonly unitTest: UnitTestInfo;
  readonly relation?: undefined;
  readonly resolved?: undefined;
  readonly materialized?: undefined;
  readonly template?: undefined;
  readonly test?: undefined;
  readonly extraContext?: undefined;
}

/** A data test: a query whose rows are failures. */
export interface TestNode extends NodeBase {
  readonly resourceType: 'test';
  readonly test: TestInfo;
  readonly resolved: TestConfig;
  /** Renders the test's query. */
  readonly template: nunjucks.Template;
  /** Extra names the template needs (test arguments). */
  readonly extraContext?: Readonly<Record<string, unknown>>;
  /**
   * Never set: a test reads the relation of `test.attachedNode`. Typed as a relation rather than
   * `undefined` because callers that test `relation` and then `resourceType !== 'test'` (the
   * runner's result line) would not compile against the exact type.
   */
  readonly relation?: Relation;
  readonly materialized?: undefined;
}

/**
 * A node of the project graph after the parse pass: its config, raw and resolved, its dependencies
 * (`unique_id`s) and the template that renders its SQL. `resourceType` says which fields it has:
 * models, seeds and sources always have a relation; models and tests a template.
 */
export type GraphNode = ModelNode | SeedNode | SnapshotNode | SourceNode | TestNode | UnitTestNode;

/** A node that lives in the warehouse: what a ref, a source or a test points at. */
export type RelationNode = ModelNode | SeedNode | SnapshotNode | SourceNode;

/**
 * `node` as a node of `kind`, for callers handed any node; throws an internal error when it is
 * another kind (the caller dispatched on the wrong `resourceType`).
 */
export function nodeOfKind<K extends ResourceType>(
  node: GraphNode,
  kind: K,
): Extract<GraphNode, { readonly resourceType: K }> {
  if (node.resourceType !== kind) {
    throw new Error(
      `internal error: ${node.uniqueId} is a ${node.resourceType}, handed to code for a ${kind}`,
    );
  }
  return node as Extract<GraphNode, { readonly resourceType: K }>;
}
