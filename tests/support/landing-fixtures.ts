/**
 * Shared setup of the landing tests: temporary folders and warehouses (always removed and closed),
 * message lines built from one valid message, queries returning plain JSON rows, and the landing
 * CLIs run as real child processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openWarehouse, type Warehouse } from '../../src/base/warehouse/open-warehouse.js';

export const REPOSITORY_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const cleanups: (() => void)[] = [];

/** A new temporary folder, removed by {@link cleanupLanding}. */
export function landingTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'landing-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Opens a warehouse (in memory unless `path` is given: `'file'` for a new file in a temporary folder),
 * closed by {@link cleanupLanding}.
 */
export async function openTestWarehouse(path = ':memory:'): Promise<Warehouse> {
  if (path === 'file') path = join(landingTempDir(), 'w.duckdb');
  const warehouse = await openWarehouse(path, { threads: 1 });
  cleanups.unshift(() => warehouse.close());
  return warehouse;
}

/** Closes every warehouse and removes every folder made since the last call (use in `afterEach`). */
export function cleanupLanding(): void {
  for (const cleanup of cleanups.splice(0)) cleanup();
}

/** Rows as plain JSON values (BIGINTs and DECIMALs as strings, timestamps as text). */
export async function rows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** The first column of the first row, as a number. */
export async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  const reader = await connection.runAndReadAll(sql);
  return Number(reader.getRows()[0]?.[0]);
}

/** A message that satisfies every rule of the contract. */
export function validMessage(): Record<string, unknown> {
  return {
    message_id: 'm-1',
    sequence_id: 7,
    partition_id: 0,
    created_at: '2025-01-13T10:00:00.123Z',
    payload: {
      transaction_id: 't-1',
      event_type: 'captured',
      amount: 12.5,
      currency: 'EUR',
      customer_id: 'c-9',
    },
  };
}

/** The unique value marking a field to delete in {@link messageLine}. */
export const ABSENT = Symbol('absent');

/**
 * A JSONL line of {@link validMessage} with `changes` applied: keys are top-level field names or
 * `payload.<field>`; a value of {@link ABSENT} removes the field.
 */
export function messageLine(changes: Record<string, unknown> = {}): string {
  const message = validMessage();
  const payload = message['payload'] as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    const [target, name] = key.startsWith('payload.')
      ? [payload, key.slice('payload.'.length)]
      : [message, key];
    if (value === ABSENT) delete target[name];
    else target[name] = value;
  }
  return JSON.stringify(message);
}

export interface ScriptResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link startScript}: file permissions enforced for root, and extra environment variables. */
export interface ScriptOptions {
  /**
   * Run without the capabilities that let root read and write any file (`setpriv` drops them
   * from the bounding set), so that a root test run meets a file's mode as any user would. The
   * process stays root, so a checkout that only root may enter still runs.
   */
  readonly enforceFileModes?: boolean;
  /** Added to the child's environment (e.g. `TMPDIR`, to give it a temporary folder of its own). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts `scripts/<script>.ts` as one node process (`node --import tsx`, so a signal hits the process
 * holding the warehouse), with colours off and no WAREHOUSE_PATH from the environment.
 */
export function startScript(
  script: string,
  args: readonly string[],
  options: ScriptOptions = {},
): { child: ChildProcess; done: Promise<ScriptResult> } {
  const command = [
    process.execPath,
    '--import',
    'tsx',
    join(REPOSITORY_ROOT, 'scripts', `${script}.ts`),
    ...args,
  ];
  const argv = options.enforceFileModes
    ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--', ...command]
    : command;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: REPOSITORY_ROOT,
    env: {
      ...process.env,
      NO_COLOR: '1',
      WAREHOUSE_PATH: '',
      DUCKDB_THREADS: '1',
      ...options.env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ScriptResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `scripts/<script>.ts` to the end; see {@link startScript}. */
export function runScript(
  script: string,
  args: readonly string[],
  options: ScriptOptions = {},
): Promise<ScriptResult> {
  return startScript(script, args, options).done;
}
