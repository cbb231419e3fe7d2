import type nunjucks from 'nunjucks';
import type { GraphNode } from '../graph/graph-node.js';
import type { Project } from '../project/load-project.js';
import type { WarehouseTarget } from '../project/profiles.js';
import type { MacroLibrary } from './macro-library.js';
import type { WarehouseQueries } from './warehouse-queries.js';
import type { Relation } from '../../base/warehouse/relation.js';

/** What rendering needs of a parsed project: its nodes, macros, vars and invocation. */
export interface RenderScope {
  readonly project: Project;
  readonly env: nunjucks.Environment;
  readonly macros: MacroLibrary;
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** Project vars with `--vars` applied. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** The vars of each installed package's nodes. */
  readonly packageVars: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  readonly fullRefresh: boolean;
  readonly runStartedAt: string;
  readonly invocationId: string;
  /** The warehouse the command uses (`target` in templates). */
  readonly target: WarehouseTarget;
}

/** Run-time facts a render needs. */
export interface RenderState {
  /** `is_incremental()` result for this node. Default `false`. */
  readonly isIncremental?: boolean;
  /**
   * Tests configured with `new_rows_by`: the column and the checkpoint above which rows are new.
   * With a checkpoint, the test's SQL sees `new_rows_only` true, `new_rows_by` (the quoted column)
   * and `checked_through` (a literal); without one (or for any other node), `new_rows_only` is false.
   */
  readonly testCheckpoint?: TestCheckpoint;
  /** The warehouse's answers to the template's queries; without it a query is an error. */
  readonly queries?: WarehouseQueries;
  /**
   * A unit test's inputs: what `ref`, `source` and `this` resolve to instead, by the `unique_id`
   * of the node they name.
   */
  readonly substitutes?: ReadonlyMap<string, Relation>;
  /** Vars and environment variables that override the project's (a unit test's `overrides`). */
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string>>;
}

/** How a test with `new_rows_by` runs this time. */
export interface TestCheckpoint {
  /** The column whose greater values are the new rows. */
  readonly column: string;
  /**
   * The greatest value checked and passed before, as SQL literal text (DuckDB casts it to the
   * column's type), or null to check the whole relation.
   */
  readonly checkedThrough: string | null;
}
