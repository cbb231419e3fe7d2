import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { UserError } from '../../../base/errors/user-error.js';
import { printInfo } from '../../../base/console/console.js';
import { openWarehouse, type Warehouse } from '../../../base/warehouse/open-warehouse.js';
import { quoteIdentifier, quoteLiteral } from '../../../base/warehouse/quote.js';
import { WarehouseError } from '../../../base/warehouse/warehouse-error.js';
import { findLiveEndpoint } from '../../endpoint/endpoint-client.js';
import { EndpointStatements } from './endpoint-statements.js';
import { DuckDbStatements, type StatementRunner } from './run-statement.js';
import type { OutputFormat } from './format-result.js';
import { isTerminalPrompt, runSqlPrompt, type SqlPromptOptions } from './sql-prompt.js';
import { SqlSession } from './sql-session.js';

/** What `npm run sql` was asked to do. */
export interface SqlCommandOptions {
  /** Warehouse file (already resolved, see `resolveDbPath`). */
  readonly dbPath: string;
  /** SQL given on the command line (one or several statements). */
  readonly query?: string;
  /** A SQL file to run. */
  readonly file?: string;
  /** Output format (default `table`). */
  readonly format?: OutputFormat;
  /** Row limit per result; default: 40 for table/markdown, all for csv/json. `null`: all. */
  readonly maxRows?: number | null;
  /** Write results to this file instead of stdout (it is overwritten). */
  readonly output?: string;
  /**
   * The target's schema (`--target`): unqualified names are looked up there first, then in `main`,
   * as the models of that target were built there. Default `main`.
   */
  readonly schema?: string;
  /** Open the warehouse for writing (default false: read-only). */
  readonly write?: boolean;
  /** Prompt settings when neither `query` nor `file` is given (tests pass a scripted input). */
  readonly prompt?: SqlPromptOptions;
}

/**
 * Runs `npm run sql`: the query, the file, or (with neither) the interactive prompt, against
 * the warehouse opened read-only unless `write` is set. While a consumer holds the file, reads go
 * through its query endpoint and `write` is refused. Returns the exit code: 0, or 1 when a
 * statement failed (at the prompt: only when the input is not a terminal, e.g. a piped script).
 * A missing (even with `write`: it is never created) or busy warehouse throws `WarehouseError`
 * (exit 2 via runCli); an unreadable `--file` or `--output` throws `UserError`.
 */
export async function runSqlCommand(options: SqlCommandOptions): Promise<number> {
  if (options.query !== undefined && options.file !== undefined) {
    throw new UserError('Give either a query or --file, not both.');
  }
  let script = options.query;
  if (options.file !== undefined) {
    if (!existsSync(options.file)) throw new UserError(`SQL file ${options.file} does not exist.`);
    try {
      script = readFileSync(options.file, 'utf8');
    } catch (cause) {
      throw new UserError(`Cannot read SQL file ${options.file}: ${(cause as Error).message}`, 2, {
        cause,
      });
    }
  }
  // An in-memory warehouse cannot be read-only, and --write never creates a warehouse file.
  const readOnly = !options.write && options.dbPath !== ':memory:';
  let warehouse: Warehouse;
  try {
    warehouse = await openWarehouse(options.dbPath, { readOnly, mustExist: true });
  } catch (error) {
    return runThroughEndpoint(error, options, script);
  }
  try {
    if (options.schema !== undefined && options.schema !== 'main')
      await searchSchema(warehouse, options.schema);
    return await runSession(new DuckDbStatements(warehouse.connection), readOnly, script, options);
  } finally {
    warehouse.close();
  }
}

/** Puts `schema` before `main` in the search path; a schema not built yet is a UserError. */
async function searchSchema(warehouse: Warehouse, schema: string): Promise<void> {
  try {
    await warehouse.connection.run(
      `set search_path = ${quoteLiteral(`${quoteIdentifier(schema)},main`)}`,
    );
  } catch (cause) {
    throw new UserError(
      `Warehouse ${warehouse.path} has no schema ${schema}, the target's schema: build the project for that target first (npm run build-models -- --target …).`,
      2,
      { cause },
    );
  }
}

/**
 * Runs the session through the query endpoint of the live consumer that holds the file, when the
 * file failed to open because of it; rethrows `openError` otherwise.
 */
async function runThroughEndpoint(
  openError: unknown,
  options: SqlCommandOptions,
  script: string | undefined,
): Promise<number> {
  const busy = openError instanceof WarehouseError && openError.reason === 'busy';
  const endpoint = busy ? findLiveEndpoint(options.dbPath) : null;
  if (endpoint === null) throw openError;
  if (options.write) {
    throw new UserError(
      `Warehouse ${options.dbPath} is held by a running consumer (process ${endpoint.pid}), which serves reads only: --write is refused. Stop the consumer to write to the file.`,
    );
  }
  printInfo(
    `the warehouse is held by a running consumer (process ${endpoint.pid}): reading through its query endpoint, read-only`,
  );
  const statements = await EndpointStatements.connect(endpoint);
  try {
    return await runSession(statements, true, script, options);
  } finally {
    await statements.close();
  }
}

async function runSession(
  statements: StatementRunner,
  readOnly: boolean,
  script: string | undefined,
  options: SqlCommandOptions,
): Promise<number> {
  const fd = options.output === undefined ? null : openOutput(options.output);
  try {
    const session = new SqlSession(statements, {
      format: options.format ?? 'table',
      maxRows: options.maxRows,
      write: fd === null ? undefined : (text: string) => void writeSync(fd, text),
      readOnly,
      limitHint: script === undefined ? '.maxrows' : undefined,
    });
    if (script !== undefined) return (await session.runScript(script)) ? 0 : 1;
    const failures = await runSqlPrompt(session, options.prompt);
    // A person at the prompt saw each error; a script piped in (`npm run sql < f.sql`) did not.
    return failures > 0 && !isTerminalPrompt(options.prompt) ? 1 : 0;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function openOutput(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (cause) {
    throw new UserError(`Cannot write --output ${path}: ${(cause as Error).message}`, 2, { cause });
  }
}
