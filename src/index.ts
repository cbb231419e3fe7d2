// Public API of dedup-warehouse. Each module re-exports its own main export.
export { openWarehouse, withWarehouse } from './warehouse/open-warehouse.js';
export type {
  Warehouse,
  WarehouseSettings,
  OpenWarehouseOptions,
} from './warehouse/open-warehouse.js';
export { WarehouseError } from './warehouse/warehouse-error.js';
export { quoteIdentifier, quoteLiteral, quoteQualified } from './warehouse/quote.js';
export { resolveDbPath, DEFAULT_WAREHOUSE_FILE } from './warehouse/resolve-db-path.js';
// Ad-hoc SQL, typed queries (Kysely) and the health report (issue 6).
export { splitStatements, scanStatements, isCompleteInput } from './sql/split-statements.js';
export type { SqlStatement, SplitResult } from './sql/split-statements.js';
export { runStatement, SqlError } from './sql/run-statement.js';
export type { StatementResult, ResultColumn } from './sql/run-statement.js';
export { formatRows, formatSummary, OUTPUT_FORMATS } from './sql/format-result.js';
export type { OutputFormat } from './sql/format-result.js';
export { SqlSession, DEFAULT_MAX_ROWS } from './sql/sql-session.js';
export type { SqlSessionOptions } from './sql/sql-session.js';
export { runSqlPrompt } from './sql/sql-prompt.js';
export { runSqlCommand } from './sql/sql-command.js';
export type { SqlCommandOptions } from './sql/sql-command.js';
export { createWarehouseKysely } from './kysely/create-warehouse-kysely.js';
export type { WarehouseKyselyOptions } from './kysely/create-warehouse-kysely.js';
export { DuckDbDialect } from './kysely/duckdb-dialect.js';
export { DuckDbDriver } from './kysely/duckdb-driver.js';
export type { DuckDbDriverConfig } from './kysely/duckdb-driver.js';
export { toKyselyValue, toDuckDbParameter } from './kysely/kysely-values.js';
export type { KyselyValue } from './kysely/kysely-values.js';
export { generateWarehouseTypes, WAREHOUSE_TYPES_FILE } from './kysely/generate-warehouse-types.js';
export { writeWarehouseTypes, staleWarehouseTypesMessage } from './kysely/write-warehouse-types.js';
export type { WarehouseDatabase } from './types/warehouse-types.js';
export { loadHealthReport } from './health/health-report.js';
export type { HealthReport, HealthMetric, ReconciliationCheck } from './health/health-report.js';
export { formatHealthReport, healthReportJson } from './health/format-health-report.js';
export { runHealthCommand } from './health/run-health.js';
// Model runner (dbt-style): build/run/test/seed, compile, ls.
export { build, run, test, seed, runProject } from './runner/run-project.js';
export { compileProject, listNodes } from './runner/compile-project.js';
export type { CompiledNode } from './runner/compile-project.js';
export { parseVars } from './runner/parse-vars.js';
export type { BuildOptions, BuildResult, RunnerCommand } from './runner/runner-options.js';
export type { NodeResult, NodeStatus } from './report/node-result.js';
export { loadProject } from './project/load-project.js';
export type { Project } from './project/load-project.js';
export { parseProject } from './compile/parse-project.js';
export type { ParsedProject } from './compile/parse-project.js';
export { ProjectError } from './project/project-issue.js';
export type { ProjectIssue } from './project/project-issue.js';
export type { GraphNode } from './graph/graph-node.js';
