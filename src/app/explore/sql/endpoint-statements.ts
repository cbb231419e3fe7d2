import pg from 'pg';
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import type { LiveEndpoint } from '../../endpoint/endpoint-client.js';
import { UserError } from '../../../base/errors/user-error.js';
import { SqlError } from '../../../base/warehouse/sql-error.js';
import type { ResultColumn, StatementResult, StatementRunner } from './run-statement.js';

/** How a PostgreSQL type OID's text comes back as a value the result formats know. */
interface OidMapping {
  readonly type: string;
  readonly duckdbType: DuckDBType;
  readonly parse: (text: string) => boolean | number | bigint | string;
}

const AS_TEXT = (text: string): string => text;
const OID_MAPPINGS: Partial<Record<number, OidMapping>> = {
  16: { type: 'BOOLEAN', duckdbType: BOOLEAN, parse: (text) => text === 't' },
  20: { type: 'BIGINT', duckdbType: BIGINT, parse: (text) => BigInt(text) },
  21: { type: 'SMALLINT', duckdbType: INTEGER, parse: Number },
  23: { type: 'INTEGER', duckdbType: INTEGER, parse: Number },
  700: { type: 'FLOAT', duckdbType: DOUBLE, parse: Number },
  701: { type: 'DOUBLE', duckdbType: DOUBLE, parse: Number },
  // Exact digits kept as text, which is how the formats show a DECIMAL.
  1700: { type: 'DECIMAL', duckdbType: VARCHAR, parse: AS_TEXT },
  1082: { type: 'DATE', duckdbType: VARCHAR, parse: AS_TEXT },
  1114: { type: 'TIMESTAMP', duckdbType: VARCHAR, parse: AS_TEXT },
  1184: { type: 'TIMESTAMP WITH TIME ZONE', duckdbType: VARCHAR, parse: AS_TEXT },
  114: { type: 'JSON', duckdbType: VARCHAR, parse: AS_TEXT },
};
const TEXT: OidMapping = { type: 'VARCHAR', duckdbType: VARCHAR, parse: AS_TEXT };

// Every value arrives as its text: the mapping above converts it, not pg's type parsers.
const RAW_TEXT = { getTypeParser: () => (text: string) => text };

/**
 * Statements run through a live consumer's query endpoint, for `npm run sql` while a consumer
 * holds the warehouse file. Values come back in PostgreSQL's text format, so numbers, booleans and
 * exact decimals show as they do from the file; timestamps, dates and nested values show as the
 * endpoint's text. `close()` ends the connection.
 */
export class EndpointStatements implements StatementRunner {
  readonly #client: pg.Client;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async connect(endpoint: LiveEndpoint): Promise<EndpointStatements> {
    const client = new pg.Client(endpoint.config);
    // A consumer that stops mid-session fails the statement in hand; nothing else to report.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (cause) {
      throw new UserError(
        `Cannot reach the query endpoint of the consumer (process ${endpoint.pid}) that holds the warehouse: ${(cause as Error).message}`,
        1,
        { cause },
      );
    }
    return new EndpointStatements(client);
  }

  async run(sql: string, maxRows: number | null): Promise<StatementResult> {
    const started = performance.now();
    let result: pg.QueryArrayResult;
    try {
      result = await this.#client.query({ text: sql, rowMode: 'array', types: RAW_TEXT });
    } catch (cause) {
      throw new SqlError((cause as Error).message, false, { cause });
    }
    const mappings = result.fields.map((field) => OID_MAPPINGS[field.dataTypeID] ?? TEXT);
    const columns: ResultColumn[] = result.fields.map((field, i) => ({
      name: field.name,
      type: mappings[i]!.type,
      duckdbType: mappings[i]!.duckdbType,
    }));
    const kept = maxRows === null ? result.rows : result.rows.slice(0, maxRows);
    const rows = kept.map((row) =>
      row.map((cell, i) => (cell === null ? null : mappings[i]!.parse(cell as string))),
    );
    return {
      sql,
      kind: 'rows',
      columns,
      rows,
      totalRows: result.rows.length,
      elapsedMs: performance.now() - started,
    };
  }

  /** The endpoint serves no cancel request: its statement timeout stops a runaway statement. */
  interrupt(): void {}

  async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }
}
