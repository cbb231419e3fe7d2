import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import type { PostgresConnection } from 'pg-gateway';
import { prepareReadOnly } from './read-only-statement.js';
import { QueryRefused } from './query-refused.js';
import { describeColumns, runBounded, type QueryBounds } from './run-bounded.js';
import { MessageReader, wire } from './wire-messages.js';

const TEXT_OID = 25;

/** A parsed statement; `null` for an empty one (only comments or `;`). */
type Parsed = DuckDBPreparedStatement | null;

interface Portal {
  readonly statement: Parsed;
  readonly params: readonly (string | null)[];
}

/**
 * One client of the endpoint, on a DuckDB connection of its own: the simple query protocol (one
 * statement per Query) and the extended one (Parse, Bind, Describe, Execute, Close, Sync, Flush;
 * parameters and results in text format). Messages are handled strictly in arrival order, one at
 * a time; after an error in an extended sequence the rest of it is skipped up to Sync, as
 * PostgreSQL does.
 */
export class EndpointSession {
  readonly #statements = new Map<string, Parsed>();
  readonly #portals = new Map<string, Portal>();
  #queue: Promise<void> = Promise.resolve();
  #skippingToSync = false;
  #closed = false;

  constructor(
    private readonly client: PostgresConnection,
    private readonly duckdb: DuckDBConnection,
    private readonly bounds: QueryBounds,
  ) {}

  /** Queues one whole frontend message. */
  push(message: Buffer): void {
    this.#queue = this.#queue.then(() => this.#handle(new MessageReader(message)));
  }

  /** Stops the running statement, then frees the statements and the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.duckdb.interrupt();
    await this.#queue;
    for (const statement of this.#statements.values()) statement?.destroySync();
    this.#statements.clear();
    this.#portals.clear();
    this.duckdb.closeSync();
  }

  async #handle(message: MessageReader): Promise<void> {
    if (this.#closed) return;
    try {
      switch (message.code) {
        case 'Q':
          return await this.#simpleQuery(message.cstring());
        case 'S':
          this.#skippingToSync = false;
          return this.client.sendReadyForQuery('idle');
        case 'H':
          return;
        case 'X':
          this.client.socket.end();
          return;
        default:
          if (!this.#skippingToSync) await this.#extended(message);
      }
    } catch (error) {
      this.#sendError(error);
      if (message.code !== 'Q') this.#skippingToSync = true;
    }
  }

  async #simpleQuery(sql: string): Promise<void> {
    let statement: Parsed = null;
    try {
      statement = await prepareReadOnly(this.duckdb, sql);
      if (statement === null) {
        wire.empty(this.client, 'emptyQuery');
      } else {
        const result = await runBounded(this.duckdb, statement, this.bounds);
        wire.rowDescription(this.client, result.columns);
        wire.dataRows(this.client, result.rows);
        wire.commandComplete(this.client, result.tag);
      }
    } catch (error) {
      this.#sendError(error);
    } finally {
      statement?.destroySync();
    }
    this.client.sendReadyForQuery('idle');
  }

  async #extended(message: MessageReader): Promise<void> {
    switch (message.code) {
      case 'P':
        return this.#parse(message);
      case 'B':
        return this.#bind(message);
      case 'D':
        return this.#describe(message);
      case 'E':
        return this.#execute(message);
      case 'C':
        return this.#close(message);
      default:
        throw new QueryRefused(
          `the consumer's endpoint does not support the '${message.code}' protocol message (only queries: simple and extended protocol, text format)`,
          '0A000',
        );
    }
  }

  async #parse(message: MessageReader): Promise<void> {
    const name = message.cstring();
    const sql = message.cstring();
    if (name !== '' && this.#statements.has(name)) {
      throw new QueryRefused(`prepared statement "${name}" already exists`, '42P05');
    }
    const statement = await prepareReadOnly(this.duckdb, sql);
    this.#statements.get(name)?.destroySync();
    this.#statements.set(name, statement);
    wire.empty(this.client, 'parseComplete');
  }

  #bind(message: MessageReader): void {
    const portal = message.cstring();
    const statement = this.#statement(message.cstring());
    const formats = Array.from({ length: message.int16() }, () => message.int16());
    const params = Array.from({ length: message.int16() }, () => message.bytes());
    const resultFormats = Array.from({ length: message.int16() }, () => message.int16());
    if ([...formats, ...resultFormats].some((format) => format !== 0)) {
      throw new QueryRefused(
        "the consumer's endpoint speaks the text format only: ask for text parameters and results",
        '0A000',
      );
    }
    this.#portals.set(portal, {
      statement,
      params: params.map((value) => (value === null ? null : value.toString('utf8'))),
    });
    wire.empty(this.client, 'bindComplete');
  }

  #describe(message: MessageReader): void {
    const kind = message.byte();
    const name = message.cstring();
    const statement = kind === 'S' ? this.#statement(name) : this.#portal(name).statement;
    if (kind === 'S') {
      const count = statement?.parameterCount ?? 0;
      wire.parameterDescription(this.client, new Array<number>(count).fill(TEXT_OID));
    }
    const columns = statement === null ? [] : describeColumns(statement);
    if (columns.length === 0) wire.empty(this.client, 'noData');
    else wire.rowDescription(this.client, columns);
  }

  async #execute(message: MessageReader): Promise<void> {
    const { statement, params } = this.#portal(message.cstring());
    if (statement === null) return wire.empty(this.client, 'emptyQuery');
    statement.clearBindings();
    if (params.length > 0) statement.bind([...params]);
    const result = await runBounded(this.duckdb, statement, this.bounds);
    wire.dataRows(this.client, result.rows);
    wire.commandComplete(this.client, result.tag);
  }

  #close(message: MessageReader): void {
    const kind = message.byte();
    const name = message.cstring();
    if (kind === 'S') {
      this.#statements.get(name)?.destroySync();
      this.#statements.delete(name);
    } else {
      this.#portals.delete(name);
    }
    wire.empty(this.client, 'closeComplete');
  }

  #statement(name: string): Parsed {
    if (!this.#statements.has(name)) {
      throw new QueryRefused(`prepared statement "${name}" does not exist`, '26000');
    }
    return this.#statements.get(name)!;
  }

  #portal(name: string): Portal {
    const portal = this.#portals.get(name);
    if (!portal) throw new QueryRefused(`portal "${name}" does not exist`, '34000');
    return portal;
  }

  #sendError(error: unknown): void {
    const refused = error instanceof QueryRefused ? error : null;
    this.client.sendError({
      severity: 'ERROR',
      code: refused?.code ?? 'XX000',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
