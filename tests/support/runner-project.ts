// Shared setup for the runner-* tests: tiny dbt-style projects written into temp dirs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setConsoleSink } from '../../src/base/console/console.js';
import { runProject } from '../../src/engine/runner/run-project.js';
import type {
  BuildOptions,
  BuildResult,
  RunnerCommand,
} from '../../src/engine/runner/runner-options.js';
import { withWarehouse } from '../../src/base/warehouse/open-warehouse.js';

/** A project in a temp dir: `write` adds files, `build` runs the runner quietly, `query` reads the warehouse. */
export interface TestProject {
  readonly dir: string;
  readonly db: string;
  write(files: Record<string, string>): void;
  build(options?: Partial<BuildOptions>, command?: RunnerCommand): Promise<BuildResult>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  cleanup(): void;
}

/** Minimal `dbt_project.yml` for a project named `demo`, plus the given extra YAML. */
export function projectYml(extra = ''): string {
  return `name: demo\n${extra}`;
}

/** Creates a project from `files` (path → content); `dbt_project.yml` defaults to {@link projectYml}. */
export function makeProject(files: Record<string, string>): TestProject {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'));
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
      withWarehouse(db, { readOnly: true }, async ({ connection }) => {
        const reader = await connection.runAndReadAll(sql);
        return reader.getRowObjectsJson() as Record<string, unknown>[];
      }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Captures console output until `restore()`. */
export function captureOutput(): { out: () => string; err: () => string; restore: () => void } {
  let out = '';
  let err = '';
  const restore = setConsoleSink({ out: (t) => void (out += t), err: (t) => void (err += t) });
  return { out: () => out, err: () => err, restore };
}

/** The status of each result by node name. */
export function statuses(result: BuildResult): Record<string, string> {
  return Object.fromEntries(result.results.map((r) => [r.name, r.status]));
}
