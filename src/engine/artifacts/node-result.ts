import type { ResourceType } from '../graph/graph-node.js';

/** dbt's result statuses: models and seeds `success|error|skipped`, tests `pass|fail|warn|error|skipped`. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';

/** The outcome of one node of a run, as `run_results.json` stores it. */
export interface NodeResult {
  /** `model.<project>.<name>`, `seed.…`, `test.…`. */
  readonly uniqueId: string;
  readonly name: string;
  readonly resourceType: ResourceType;
  readonly status: NodeStatus;
  /** Seconds spent on the node (0 when skipped). */
  readonly executionTime: number;
  /** What happened, e.g. `SELECT 12`, `MERGE 3`, a failure count, DuckDB's error, why it was skipped. */
  readonly message: string;
  /** Rows written (models, seeds) or null when unknown (views, tests, skipped). */
  readonly rowsAffected: number | null;
  /** Failing rows of a test (its `fail_calc`), else null. */
  readonly failures: number | null;
  /** Compiled SQL under `target/compiled/`, relative to the project dir, when written. */
  readonly compiledPath?: string;
  /** The materialization or `seed`/`test`, for display. */
  readonly kind: string;
  /** `"schema"."name"` of models and seeds. */
  readonly relationName?: string;
  readonly startedAt: string;
  readonly completedAt: string;
}
