import { DuckDBConnection } from '@duckdb/node-api';
import { printError, printInfo, printLine } from '../../../base/console/console.js';
import { quoteLiteral } from '../../../base/warehouse/quote.js';
import {
  formatRows,
  formatSummary,
  OUTPUT_FORMATS,
  truncationNote,
  type OutputFormat,
} from './format-result.js';
import { SqlError } from '../../../base/warehouse/sql-error.js';
import { DuckDbStatements, type StatementRunner } from './run-statement.js';
import { splitStatements } from './split-statements.js';

/** Rows shown by the `table` and `markdown` formats unless `--max-rows` says otherwise. */
export const DEFAULT_MAX_ROWS = 40;

/** Settings of a SQL session; the prompt's dot-commands change `format` and `maxRows`. */
export interface SqlSessionOptions {
  /** Output format (default `table`). */
  format?: OutputFormat;
  /**
   * Rows printed per result; `null` prints all. Default: {@link DEFAULT_MAX_ROWS} for `table`
   * and `markdown`, all rows for `csv` and `json` (scripts want everything).
   */
  maxRows?: number | null;
  /** Where results go (default: stdout through the console module). `--output FILE` passes a file writer. */
  write?: (text: string) => void;
  /** True when the warehouse was opened read-only (only changes the hint in `.help`). */
  readOnly?: boolean;
  /** How the cut note says to raise the row limit (default `--max-rows`; the prompt's is `.maxrows`). */
  limitHint?: string;
}

/** What a dot-command asks of the prompt. */
export type CommandOutcome = 'continue' | 'quit';

/**
 * A SQL session over an open warehouse connection (or another {@link StatementRunner}): runs scripts statement by statement and
 * handles the prompt's dot-commands (`.tables`, `.schema NAME`, `.mode FORMAT`, `.maxrows N`,
 * `.help`, `.quit`/`.exit`). Results go to `write`; summaries (row count, time, cut note) go to
 * stdout under a table and to stderr for the machine formats so their output stays parseable.
 */
export class SqlSession {
  #format: OutputFormat;
  #maxRows: number | null | undefined;
  readonly #write: (text: string) => void;
  readonly #statements: StatementRunner;
  readonly #readOnly: boolean;
  readonly #limitHint: string;

  constructor(statements: DuckDBConnection | StatementRunner, options: SqlSessionOptions = {}) {
    this.#statements =
      statements instanceof DuckDBConnection ? new DuckDbStatements(statements) : statements;
    this.#format = options.format ?? 'table';
    this.#maxRows = options.maxRows;
    this.#write = options.write ?? ((text) => printRawLines(text));
    this.#readOnly = options.readOnly ?? true;
    this.#limitHint = options.limitHint ?? '--max-rows';
  }

  get format(): OutputFormat {
    return this.#format;
  }

  /** The row limit in force: the explicit one, or the format's default. */
  get maxRows(): number | null {
    if (this.#maxRows !== undefined) return this.#maxRows;
    return this.#format === 'table' || this.#format === 'markdown' ? DEFAULT_MAX_ROWS : null;
  }

  /**
   * Runs every statement of a script in order and prints each result. Stops at the first
   * failing statement, prints DuckDB's message (with its position marker) and returns false.
   */
  async runScript(script: string): Promise<boolean> {
    const statements = splitStatements(script);
    for (const [index, statement] of statements.entries()) {
      try {
        const result = await this.#statements.run(statement.text, this.maxRows);
        if (result.kind === 'rows') this.#write(formatRows(result, this.#format));
        const human = this.#format === 'table' || this.#format === 'markdown';
        if (human) {
          this.#write(`${formatSummary(result, this.#limitHint)}\n`);
        } else {
          const note = truncationNote(result, this.#limitHint);
          if (note) printInfo(note);
        }
      } catch (error) {
        if (!(error instanceof SqlError)) throw error;
        const where =
          statements.length > 1 ? ` (statement ${index + 1}, line ${statement.line})` : '';
        printError(`SQL failed${where}: ${error.message}`);
        return false;
      }
    }
    return true;
  }

  /** Asks DuckDB to stop the running statement (it then fails with "INTERRUPT Error"). */
  interrupt(): void {
    this.#statements.interrupt();
  }

  /** Runs a dot-command typed at the prompt (the line starts with `.`). */
  async runCommand(line: string): Promise<CommandOutcome> {
    const [command = '', ...args] = line.trim().split(/\s+/);
    switch (command) {
      case '.quit':
      case '.exit':
        return 'quit';
      case '.help':
        printLine(helpText(this.#readOnly));
        return 'continue';
      case '.tables':
        await this.runScript(
          `select table_name as name, lower(table_type) as kind from information_schema.tables
           where table_schema = 'main' order by table_name`,
        );
        return 'continue';
      case '.schema':
        await this.#schema(args[0]);
        return 'continue';
      case '.mode': {
        const format = args[0];
        if (!format) printLine(`mode: ${this.#format}`);
        else if ((OUTPUT_FORMATS as readonly string[]).includes(format))
          this.#format = format as OutputFormat;
        else printError(`Unknown mode '${format}'. Use one of: ${OUTPUT_FORMATS.join(', ')}.`);
        return 'continue';
      }
      case '.maxrows': {
        const value = args[0];
        if (!value) printLine(`maxrows: ${this.maxRows ?? 'all'}`);
        else if (value === 'all' || value === '0') this.#maxRows = null;
        else if (/^\d+$/.test(value)) this.#maxRows = Number(value);
        else printError(`.maxrows needs a whole number (or 'all'), got '${value}'.`);
        return 'continue';
      }
      default:
        printError(`Unknown command '${command}'. Type .help for the list of commands.`);
        return 'continue';
    }
  }

  async #schema(name: string | undefined): Promise<void> {
    // Names are matched like DuckDB matches identifiers: without regard to case.
    const filter = name ? `and lower(table_name) = lower(${quoteLiteral(name)})` : '';
    const result = await this.#statements.run(
      `select sql from (
         select table_name, sql from duckdb_tables() where schema_name = 'main' and not internal
         union all
         select view_name, sql from duckdb_views() where schema_name = 'main' and not internal
       ) where true ${filter} order by table_name`,
      null,
    );
    if (result.rows.length === 0) {
      printError(
        name
          ? `No table or view named '${name}'. Type .tables to list them.`
          : 'The warehouse has no tables yet.',
      );
      return;
    }
    for (const row of result.rows) this.#write(`${String(row[0])}\n`);
  }
}

function printRawLines(text: string): void {
  if (text.endsWith('\n')) printLine(text.slice(0, -1));
  else if (text !== '') printLine(text);
}

function helpText(readOnly: boolean): string {
  return [
    'Type SQL ending with ; (it may span lines). Commands:',
    '  .tables              list tables and views',
    '  .schema [NAME]       show the CREATE statement of a table or view (all when no name)',
    '  .mode FORMAT         output format: table, csv, json, markdown',
    '  .maxrows N|all       rows shown per result',
    '  .help                this help',
    '  .quit, .exit         leave (Ctrl-D also works)',
    readOnly
      ? 'The warehouse is open read-only; restart with --write to modify it.'
      : 'The warehouse is open for writing.',
  ].join('\n');
}
