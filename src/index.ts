// Public API of dedup-warehouse. Each module re-exports its own main export.
export { openWarehouse, withWarehouse } from './base/warehouse/open-warehouse.js';
export type {
  Warehouse,
  WarehouseSettings,
  OpenWarehouseOptions,
} from './base/warehouse/open-warehouse.js';
export { WarehouseError } from './base/warehouse/warehouse-error.js';
export { quoteIdentifier, quoteLiteral, quoteQualified } from './base/warehouse/quote.js';
export { resolveDbPath, DEFAULT_WAREHOUSE_FILE } from './base/warehouse/resolve-db-path.js';
// Ad-hoc SQL, typed queries (Kysely) and the health report.
export {
  splitStatements,
  scanStatements,
  isCompleteInput,
} from './app/explore/sql/split-statements.js';
export type { SqlStatement, SplitResult } from './app/explore/sql/split-statements.js';
export { runStatement } from './app/explore/sql/run-statement.js';
export { SqlError } from './base/warehouse/sql-error.js';
export type { StatementResult, ResultColumn } from './app/explore/sql/run-statement.js';
export { formatRows, formatSummary, OUTPUT_FORMATS } from './app/explore/sql/format-result.js';
export type { OutputFormat } from './app/explore/sql/format-result.js';
export { SqlSession, DEFAULT_MAX_ROWS } from './app/explore/sql/sql-session.js';
export type { SqlSessionOptions } from './app/explore/sql/sql-session.js';
export { runSqlPrompt } from './app/explore/sql/sql-prompt.js';
export { runSqlCommand } from './app/explore/sql/sql-command.js';
export type { SqlCommandOptions } from './app/explore/sql/sql-command.js';
export { createWarehouseKysely } from './app/explore/kysely/create-warehouse-kysely.js';
export type { WarehouseKyselyOptions } from './app/explore/kysely/create-warehouse-kysely.js';
export { DuckDbDialect } from './app/explore/kysely/duckdb-dialect.js';
export { DuckDbDriver } from './app/explore/kysely/duckdb-driver.js';
export type { DuckDbDriverConfig } from './app/explore/kysely/duckdb-driver.js';
export { toKyselyValue, toDuckDbParameter } from './app/explore/kysely/kysely-values.js';
export type { KyselyValue } from './app/explore/kysely/kysely-values.js';
export {
  generateWarehouseTypes,
  WAREHOUSE_TYPES_FILE,
} from './app/explore/kysely/generate-warehouse-types.js';
export {
  writeWarehouseTypes,
  staleWarehouseTypesMessage,
} from './app/explore/kysely/write-warehouse-types.js';
export type { WarehouseDatabase } from './generated/warehouse-types.js';
export { loadHealthReport } from './app/explore/health/health-report.js';
export type {
  HealthReport,
  HealthMetric,
  ReconciliationCheck,
} from './app/explore/health/health-report.js';
export type { StreamHealth, LatencyPercentiles } from './app/explore/health/stream-health.js';
export { formatHealthReport, healthReportJson } from './app/explore/health/format-health-report.js';
export { runHealthCommand } from './app/explore/health/run-health.js';
// Model runner (dbt-style): build/run/test/seed, compile, ls.
export { build, run, test, seed, runProject } from './engine/runner/run-project.js';
export { compileProject, listNodes } from './engine/runner/compile-project.js';
export type { CompiledNode } from './engine/runner/compile-project.js';
export { parseVars } from './engine/runner/parse-vars.js';
export type { BuildOptions, BuildResult, RunnerCommand } from './engine/runner/runner-options.js';
export type { NodeResult, NodeStatus } from './engine/artifacts/node-result.js';
export { loadProject } from './engine/project/load-project.js';
export type { Project } from './engine/project/load-project.js';
export { parseProject } from './engine/parser/parse-project.js';
export type { ParsedProject } from './engine/parser/parse-project.js';
export { ProjectError } from './engine/project/project-issue.js';
export type { ProjectIssue } from './engine/project/project-issue.js';
export type { GraphNode } from './engine/graph/graph-node.js';
