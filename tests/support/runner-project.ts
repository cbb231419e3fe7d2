// Tiny dbt-style projects for the runner tests, written into a folder of the test's own.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runProject } from '../../src/engine/runner/run-project.js';
import type {
  BuildOptions,
  BuildResult,
  RunnerCommand,
} from '../../src/engine/runner/runner-options.js';
import { withWarehouse } from '../../src/base/warehouse/open-warehouse.js';
import { readRows } from './read-rows.js';

/** A project in a folder: `write` adds files, `build` runs the runner quietly, `query` reads the warehouse. */
export interface TestProject {
  readonly dir: string;
  readonly db: string;
  write(files: Record<string, string>): void;
  build(options?: Partial<BuildOptions>, command?: RunnerCommand): Promise<BuildResult>;
  query(sql: string): Promise<Record<string, unknown>[]>;
}

/** Minimal `dbt_project.yml` for a project named `demo`, plus the given extra YAML. */
export function projectYml(extra = ''): string {
  return `name: demo\n${extra}`;
}

/**
 * Writes a project from `files` (path → content) into `dir`, its warehouse `dir/warehouse.duckdb`;
 * `dbt_project.yml` defaults to {@link projectYml}. Tests get one from the `makeProject` fixture.
 */
export function projectIn(dir: string, files: Record<string, string>): TestProject {
  const db = join(dir, 'warehouse.duckdb');
  const write = (more: Record<string, string>): void => {
    for (const [path, content] of Object.entries(more)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
  write({ 'dbt_project.yml': projectYml(), ...files });
  return {
    dir,
    db,
    write,
    build: (options = {}, command = 'build') =>
      runProject(command, { projectDir: dir, dbPath: db, print: false, ...options }),
    query: (sql) =>
      withWarehouse(db, { readOnly: true }, ({ connection }) => readRows(connection, sql)),
  };
}

/** The status of each result by node name. */
export function statuses(result: BuildResult): Record<string, string> {
  return Object.fromEntries(result.results.map((r) => [r.name, r.status]));
}
