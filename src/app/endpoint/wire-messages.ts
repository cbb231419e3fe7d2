import type { PostgresConnection } from 'pg-gateway';
import type { PgColumn } from './pg-types.js';

/**
 * The backend messages the endpoint writes beyond what pg-gateway sends itself (authentication,
 * ReadyForQuery, ErrorResponse), framed by its writer. Each function writes one whole message.
 */
export const wire = {
  rowDescription(connection: PostgresConnection, columns: readonly PgColumn[]): void {
    const w = connection.writer;
    w.addInt16(columns.length);
    for (const column of columns) {
      // No source table or attribute number; typmod -1; format 0 (text).
      w.addCString(column.name).addInt32(0).addInt16(0).addInt32(column.oid);
      w.addInt16(column.size).addInt32(-1).addInt16(0);
    }
    connection.sendData(w.flush(0x54)); // 'T'
  },

  dataRows(connection: PostgresConnection, rows: readonly (readonly (string | null)[])[]): void {
    const w = connection.writer;
    const parts: Buffer[] = [];
    for (const row of rows) {
      w.addInt16(row.length);
      for (const cell of row) {
        if (cell === null) {
          w.addInt32(-1);
        } else {
          const bytes = Buffer.from(cell, 'utf8');
          w.addInt32(bytes.length).add(bytes);
        }
      }
      parts.push(w.flush(0x44)); // 'D'
    }
    if (parts.length > 0) connection.sendData(Buffer.concat(parts));
  },

  commandComplete(connection: PostgresConnection, tag: string): void {
    connection.sendData(connection.writer.addCString(tag).flush(0x43)); // 'C'
  },

  parameterDescription(connection: PostgresConnection, oids: readonly number[]): void {
    const w = connection.writer.addInt16(oids.length);
    for (const oid of oids) w.addInt32(oid);
    connection.sendData(w.flush(0x74)); // 't'
  },

  /** A message with no body: ParseComplete, BindComplete, CloseComplete, NoData, EmptyQueryResponse. */
  empty(connection: PostgresConnection, kind: keyof typeof EMPTY_CODES): void {
    connection.sendData(connection.writer.flush(EMPTY_CODES[kind]));
  },
};

const EMPTY_CODES = {
  parseComplete: 0x31, // '1'
  bindComplete: 0x32, // '2'
  closeComplete: 0x33, // '3'
  noData: 0x6e, // 'n'
  emptyQuery: 0x49, // 'I'
} as const;

/** Reads the fields of one frontend message (code byte and length already skipped). */
export class MessageReader {
  #offset = 5;

  constructor(readonly data: Buffer) {}

  get code(): string {
    return String.fromCharCode(this.data[0]!);
  }

  byte(): string {
    return String.fromCharCode(this.data[this.#offset++]!);
  }

  int16(): number {
    const value = this.data.readInt16BE(this.#offset);
    this.#offset += 2;
    return value;
  }

  int32(): number {
    const value = this.data.readInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  cstring(): string {
    const end = this.data.indexOf(0, this.#offset);
    const text = this.data.toString('utf8', this.#offset, end);
    this.#offset = end + 1;
    return text;
  }

  /** A length-prefixed value: `null` for length -1 (SQL NULL). */
  bytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    const value = this.data.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }
}

/**
 * Cuts the bytes a client sends into whole frontend messages (a code byte, then a length that
 * counts itself and the body). A chunk may hold several messages or part of one.
 */
export class MessageFramer {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    while (this.#pending.length - offset >= 5) {
      const end = offset + 1 + this.#pending.readUInt32BE(offset + 1);
      if (end > this.#pending.length) break;
      messages.push(Buffer.from(this.#pending.subarray(offset, end)));
      offset = end;
    }
    this.#pending = this.#pending.subarray(offset);
    return messages;
  }
}
