import type { IndirectSelection } from '../graph/select-nodes.js';
import type { NodeResult } from '../artifacts/node-result.js';
import type { Warehouse } from '../../base/warehouse/open-warehouse.js';

/** The runner's verbs: `build` = seeds, snapshots, models and tests in order; the others run one kind. */
export type RunnerCommand = 'build' | 'run' | 'test' | 'seed' | 'snapshot';

/** Options shared by every runner command. */
export interface BuildOptions {
  /** The directory holding `dbt_project.yml`. */
  readonly projectDir: string;
  /**
   * DuckDB file, over the target's `path`; default: the profile's target, else `WAREHOUSE_PATH`
   * or `warehouse.duckdb` (see resolveTarget).
   */
  readonly dbPath?: string;
  /** `--target`: the output of the project's profile to run against. Default: the profile's `target:`. */
  readonly target?: string;
  /** `--profiles-dir`: where `profiles.yml` is. Default: `DBT_PROFILES_DIR`, the project, `~/.dbt`. */
  readonly profilesDir?: string;
  /** dbt selectors (space-separated union). Default: every node. */
  readonly select?: readonly string[];
  /** dbt selectors to leave out. Default: none. */
  readonly exclude?: readonly string[];
  /** Which data tests come along with the selected models (dbt's modes). Default `eager`. */
  readonly indirectSelection?: IndirectSelection;
  /** Rebuild incremental models from scratch. Default `false`. */
  readonly fullRefresh?: boolean;
  /** Overrides the project's `vars:`. Default `{}`. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** DuckDB `threads` setting. Default: DuckDB's. */
  readonly threads?: number;
  /** DuckDB `memory_limit` setting, e.g. `'2GB'`. Default: DuckDB's. */
  readonly memoryLimit?: string;
  /**
   * Runs on this open warehouse instead of opening `dbPath`; the caller keeps it open. A consumer
   * that holds the warehouse for days builds on its own instance, so that the readers it serves
   * are never locked out and a micro-batch pays no open and close.
   */
  readonly warehouse?: Warehouse;
  /** Runs once the warehouse is open (lock held), before hooks, seeds and models. */
  readonly beforeBuild?: (warehouse: Warehouse) => Promise<void>;
  /** Print one line per node and the summary (default `true`). */
  readonly print?: boolean;
}

/** What a run produced; `exitCode` is 0 when nothing errored or failed (warnings allowed), else 1. */
export interface BuildResult {
  readonly command: RunnerCommand;
  readonly success: boolean;
  readonly exitCode: 0 | 1;
  readonly results: readonly NodeResult[];
  readonly elapsedSeconds: number;
  /** Warnings: selectors that matched nothing, `dbt_project.yml` config paths that match no file. */
  readonly warnings: readonly string[];
  /** `<projectDir>/target`. */
  readonly targetDir: string;
}
