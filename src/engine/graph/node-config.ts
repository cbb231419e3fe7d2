/** How a model is built. */
export type Materialization = 'view' | 'table' | 'incremental' | 'ephemeral';

/** The incremental strategies dbt-duckdb offers. */
export type IncrementalStrategy = 'append' | 'merge' | 'delete+insert';

/** What an incremental build does when the new rows' columns differ from the table's. */
export type OnSchemaChange = 'fail' | 'ignore' | 'append_new_columns' | 'sync_all_columns';

/**
 * A model's config as the engine reads it, resolved and validated once by the parser (the raw
 * `config` stays on the node for templates and `manifest.json`).
 */
export interface ModelConfig {
  /**
   * `incremental_strategy`; without one, dbt-duckdb's default: `delete+insert` when a `unique_key`
   * is set, `append` otherwise.
   */
  readonly incrementalStrategy: IncrementalStrategy;
  /** `unique_key` as column names (a string is one column); empty without one. */
  readonly uniqueKey: readonly string[];
  /** `on_schema_change`; default (and for a value it does not know) `fail`. */
  readonly onSchemaChange: OnSchemaChange;
  /** `column_compression`: column name → lower-case DuckDB compression method; empty by default. */
  readonly columnCompression: ReadonlyMap<string, string>;
  /** `merge_update_columns` and `merge_exclude_columns`; empty by default. */
  readonly mergeUpdateColumns: readonly string[];
  readonly mergeExcludeColumns: readonly string[];
  /** `full_refresh: true|false`, which wins over `--full-refresh`; undefined when not a boolean. */
  readonly fullRefresh: boolean | undefined;
  /** `contract: {enforced: true}`: the columns and types must be those the properties declare. */
  readonly contractEnforced: boolean;
}

/** A seed's config as the CSV loader reads it. */
export interface SeedConfig {
  /** `column_types`: column name → DuckDB type; the others are auto-detected. */
  readonly columnTypes: ReadonlyMap<string, string>;
  /** `delimiter`; DuckDB detects it when undefined. */
  readonly delimiter: string | undefined;
}

/** How a snapshot tells that a row changed. */
export type SnapshotStrategy =
  | { readonly kind: 'timestamp'; readonly updatedAt: string }
  | {
      readonly kind: 'check';
      /** The columns compared, or `all`: every column of the query but the unique key. */
      readonly checkCols: readonly string[] | 'all';
      /** `updated_at` with the check strategy: the version's time instead of the snapshot's. */
      readonly updatedAt: string | undefined;
    };

/** A snapshot's config as the snapshot materialization reads it. */
export interface SnapshotConfig {
  /** `unique_key`: one column or several (dbt 1.9), always at least one. */
  readonly uniqueKey: readonly string[];
  readonly strategy: SnapshotStrategy;
  /**
   * `hard_deletes` (dbt 1.9; `invalidate_hard_deletes: true` is `invalidate`): what a row gone
   * from the query does to its current version. Default `ignore`.
   */
  readonly hardDeletes: 'ignore' | 'invalidate' | 'new_record';
  /** `dbt_valid_to_current`: the SQL value of `dbt_valid_to` in current versions (default null). */
  readonly validToCurrent: string | undefined;
  /** `snapshot_meta_column_names`: the names of dbt's columns. */
  readonly columns: SnapshotColumnNames;
}

/** The names of the columns a snapshot adds to the query's. */
export interface SnapshotColumnNames {
  readonly dbtValidFrom: string;
  readonly dbtValidTo: string;
  readonly dbtScdId: string;
  readonly dbtUpdatedAt: string;
  readonly dbtIsDeleted: string;
}

/** A data test's config as the test runner reads it. */
export interface TestConfig {
  /** `severity` (default `error`): anything but `error` only warns. */
  readonly severity: 'error' | 'warn';
  /** `error_if` and `warn_if` conditions on the failure count; default `!= 0`. */
  readonly errorIf: string;
  readonly warnIf: string;
  /** `fail_calc` over the failing rows; default `count(*)`. */
  readonly failCalc: string;
  /** `limit` on the failing rows read; undefined for all of them. */
  readonly limit: number | undefined;
  /** `new_rows_by`: the column above whose checkpoint rows are new (validated by the parser). */
  readonly newRowsBy: string | undefined;
}
