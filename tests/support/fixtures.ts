/**
 * The tests' shared fixtures (vitest's `test.extend`). A test names the ones it needs in its
 * context, `it('…', async ({ tempDir, openWarehouse }) => …)`; each is set up on first use and taken
 * down after the test, whether it passed or failed: warehouses closed, child processes killed,
 * console capture ended, then temporary folders removed.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test as base } from 'vitest';
import {
  openWarehouse,
  type OpenWarehouseOptions,
  type Warehouse,
} from '../../src/base/warehouse/open-warehouse.js';
import { captureConsole, type CapturedConsole } from './console-capture.js';
import {
  startScript,
  type RunningScript,
  type ScriptOptions,
  type ScriptResult,
} from './run-script.js';
import { projectIn, type TestProject } from './runner-project.js';
import { tempDirs } from './temp-dirs.js';

export interface Fixtures {
  /** Makes a new temporary folder (its name starting with `prefix`), removed after the test. */
  tempDir: (prefix?: string) => string;
  /**
   * Opens a warehouse, closed after the test: in memory by default, `'file'` for a new file in a
   * temporary folder. Default options: one DuckDB thread, as two test files run at once on two cores.
   */
  openWarehouse: (path?: string, options?: OpenWarehouseOptions) => Promise<Warehouse>;
  /** A runner project in a new temporary folder; see {@link projectIn}. */
  makeProject: (files: Record<string, string>) => TestProject;
  /** Starts a script (see {@link startScript}); SIGKILLed after the test if still running. */
  startScript: (script: string, args: readonly string[], options?: ScriptOptions) => RunningScript;
  /** Runs a script (see {@link startScript}) to its end. */
  runScript: (
    script: string,
    args: readonly string[],
    options?: ScriptOptions,
  ) => Promise<ScriptResult>;
  /** The console module's output during the test. */
  output: CapturedConsole;
}

/** SIGKILLs `child` unless it has exited already, and waits until it has. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGKILL');
  await exited;
}

export const it = base.extend<Fixtures>({
  // vitest reads the fixtures a fixture depends on from its first parameter's pattern.
  tempDir: async ({}, use) => {
    const dirs = tempDirs();
    try {
      await use((prefix) => dirs.make(prefix));
    } finally {
      dirs.removeAll();
    }
  },
  openWarehouse: async ({ tempDir }, use) => {
    const open: Warehouse[] = [];
    try {
      await use(async (path = ':memory:', options = { threads: 1 }) => {
        const warehouse = await openWarehouse(
          path === 'file' ? join(tempDir('dw-warehouse-'), 'w.duckdb') : path,
          options,
        );
        open.push(warehouse);
        return warehouse;
      });
    } finally {
      for (const warehouse of open.reverse()) warehouse.close();
    }
  },
  makeProject: async ({ tempDir }, use) => {
    await use((files) => projectIn(tempDir('runner-'), files));
  },
  // Depending on tempDir, children are killed before the folders they use are removed.
  startScript: async ({ tempDir: _ }, use) => {
    const started: RunningScript[] = [];
    try {
      await use((script, args, options) => {
        const run = startScript(script, args, options);
        started.push(run);
        return run;
      });
    } finally {
      await Promise.all(started.map((run) => stop(run.child)));
    }
  },
  runScript: async ({ startScript: start }, use) => {
    await use((script, args, options) => start(script, args, options).done);
  },
  output: async ({}, use) => {
    const captured = captureConsole();
    try {
      await use(captured);
    } finally {
      captured.restore();
    }
  },
});
