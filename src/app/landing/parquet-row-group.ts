import { closeSync, openSync, writevSync } from 'node:fs';
import { endianness } from 'node:os';

/** A column of a {@link ParquetRowGroup}: its name and Parquet physical type. */
export interface ParquetColumn {
  readonly name: string;
  /** `INT32` holds 32-bit integers; `DOUBLE` holds any number (integers exact up to 2^53). */
  readonly type: 'INT32' | 'DOUBLE';
}

/** The values of a column, one per row. */
export type ParquetValues = Int32Array | Float64Array;

/**
 * Numbers staged column by column in typed arrays and written as a Parquet file of one row group:
 * required columns, PLAIN encoding, no compression, one data page per column. DuckDB reads such a
 * file at memory speed, where it would have to parse the same numbers as CSV text; and filling typed
 * arrays costs JavaScript far less than formatting digits.
 *
 * Only what that needs of the format is written (Thrift compact protocol for the page headers and
 * the footer); there are no nulls, statistics or dictionaries.
 *
 * Why not a Parquet library: the npm writers (parquetjs and its forks, hyparquet-writer,
 * parquet-wasm) take rows or arrays of JavaScript values and encode each value on its way out, or
 * bring a WebAssembly runtime and Arrow tables; what makes staging cheap here is writing the typed
 * arrays' bytes as they are. The format subset is small and fixed, and the tests read every file
 * this writes back through DuckDB (tests/landing-parquet-row-group.test.ts).
 *
 * @example
 * const group = new ParquetRowGroup([{ name: 'id', type: 'DOUBLE' }], 1024);
 * group.values(0)[0] = 42;
 * group.rows = 1;
 * group.writeFile('/tmp/ids.parquet'); // read_parquet('/tmp/ids.parquet') gives one row, id 42.0
 */
export class ParquetRowGroup {
  /** Rows written so far: set it after filling the arrays; at most {@link capacity}. */
  rows = 0;
  private readonly columnValues: ParquetValues[];

  constructor(
    readonly columns: readonly ParquetColumn[],
    /** Rows the arrays can hold. */
    readonly capacity: number,
  ) {
    // The typed arrays' bytes are written as they are: Parquet's PLAIN values are little-endian.
    if (endianness() !== 'LE') throw new Error('ParquetRowGroup: needs a little-endian machine');
    this.columnValues = columns.map((column) =>
      column.type === 'INT32' ? new Int32Array(capacity) : new Float64Array(capacity),
    );
  }

  /** The values of column `index` (the array for all {@link capacity} rows; fill the first {@link rows}). */
  values(index: number): ParquetValues {
    const values = this.columnValues[index];
    if (!values)
      throw new RangeError(`no column ${index}: the row group has ${this.columns.length}`);
    return values;
  }

  /** Writes the first {@link rows} rows to `path` as a Parquet file (replacing it). */
  writeFile(path: string): void {
    const parts = this.encode();
    const fd = openSync(path, 'w');
    try {
      writevSync(fd, parts);
    } finally {
      closeSync(fd);
    }
  }

  /** The file as byte ranges, in order (the column data are views of the typed arrays, not copies). */
  encode(): Uint8Array[] {
    const rows = this.rows;
    if (!Number.isInteger(rows) || rows < 0 || rows > this.capacity)
      throw new RangeError(`rows: must be a whole number from 0 to ${this.capacity}, got ${rows}`);
    const parts: Uint8Array[] = [MAGIC];
    let offset = MAGIC.length;
    const chunks: { offset: number; size: number }[] = [];
    this.columns.forEach((column, index) => {
      const values = this.columnValues[index]!;
      const data = new Uint8Array(
        values.buffer,
        values.byteOffset,
        rows * values.BYTES_PER_ELEMENT,
      );
      const header = pageHeader(rows, data.length);
      chunks.push({ offset, size: header.length + data.length });
      parts.push(header, data);
      offset += header.length + data.length;
    });
    const footer = fileMetaData(this.columns, rows, chunks);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, footer.length, true);
    parts.push(footer, length, MAGIC);
    return parts;
  }
}

const MAGIC = new TextEncoder().encode('PAR1');

/** Parquet's physical types and enums, as numbered in parquet.thrift. */
const PHYSICAL_TYPE = { INT32: 1, DOUBLE: 5 } as const;
const REQUIRED = 0;
const PLAIN = 0;
const RLE = 3;
const UNCOMPRESSED = 0;
const DATA_PAGE = 0;

/** Thrift compact protocol type ids. */
const T = { I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

/** A Thrift compact protocol encoder: just the field kinds Parquet's headers and footer need. */
class CompactWriter {
  private readonly bytes: number[] = [];
  private lastField: number[] = [0];

  private varint(value: number): void {
    // Unsigned LEB128 of a non-negative safe integer (arithmetic, not bitwise: values may exceed 2^31).
    let rest = value;
    while (rest >= 0x80) {
      this.bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.bytes.push(rest);
  }

  private zigzag(value: number): void {
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  private field(id: number, type: number): void {
    const depth = this.lastField.length - 1;
    const delta = id - this.lastField[depth]!;
    if (delta > 0 && delta <= 15) {
      this.bytes.push((delta << 4) | type);
    } else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.lastField[depth] = id;
  }

  i32(id: number, value: number): this {
    this.field(id, T.I32);
    this.zigzag(value);
    return this;
  }

  i64(id: number, value: number): this {
    this.field(id, T.I64);
    this.zigzag(value);
    return this;
  }

  string(id: number, value: string): this {
    this.field(id, T.BINARY);
    this.binary(value);
    return this;
  }

  private binary(value: string): void {
    const encoded = new TextEncoder().encode(value);
    this.varint(encoded.length);
    for (const byte of encoded) this.bytes.push(byte);
  }

  /** A struct field whose fields `write` writes. */
  struct(id: number, write: (w: this) => void): this {
    this.field(id, T.STRUCT);
    this.structBody(write);
    return this;
  }

  private structBody(write: (w: this) => void): void {
    this.lastField.push(0);
    write(this);
    this.bytes.push(0); // STOP
    this.lastField.pop();
  }

  private listHeader(id: number, size: number, elementType: number): void {
    this.field(id, T.LIST);
    if (size < 15) {
      this.bytes.push((size << 4) | elementType);
    } else {
      this.bytes.push(0xf0 | elementType);
      this.varint(size);
    }
  }

  structList<V>(id: number, items: readonly V[], write: (w: this, item: V) => void): this {
    this.listHeader(id, items.length, T.STRUCT);
    for (const item of items) this.structBody((w) => write(w, item));
    return this;
  }

  i32List(id: number, items: readonly number[]): this {
    this.listHeader(id, items.length, T.I32);
    for (const item of items) this.zigzag(item);
    return this;
  }

  stringList(id: number, items: readonly string[]): this {
    this.listHeader(id, items.length, T.BINARY);
    for (const item of items) this.binary(item);
    return this;
  }

  /** The encoded bytes of a top-level struct (its STOP included). */
  end(): Uint8Array {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

/** PageHeader of a PLAIN, uncompressed data page of required values (no level data). */
function pageHeader(rows: number, bytes: number): Uint8Array {
  return new CompactWriter()
    .i32(1, DATA_PAGE)
    .i32(2, bytes)
    .i32(3, bytes)
    .struct(5, (w) => w.i32(1, rows).i32(2, PLAIN).i32(3, RLE).i32(4, RLE))
    .end();
}

/** FileMetaData: the flat schema and the one row group, each column chunk one data page. */
function fileMetaData(
  columns: readonly ParquetColumn[],
  rows: number,
  chunks: readonly { offset: number; size: number }[],
): Uint8Array {
  const totalBytes = chunks.reduce((sum, chunk) => sum + chunk.size, 0);
  return new CompactWriter()
    .i32(1, 1)
    .structList(2, [null, ...columns], (w, column) => {
      if (column === null) w.string(4, 'schema').i32(5, columns.length);
      else w.i32(1, PHYSICAL_TYPE[column.type]).i32(3, REQUIRED).string(4, column.name);
    })
    .i64(3, rows)
    .structList(4, [null], (w) =>
      w
        .structList(1, columns, (c, column) => {
          const chunk = chunks[columns.indexOf(column)]!;
          c.i64(2, chunk.offset).struct(3, (m) =>
            m
              .i32(1, PHYSICAL_TYPE[column.type])
              .i32List(2, [PLAIN])
              .stringList(3, [column.name])
              .i32(4, UNCOMPRESSED)
              .i64(5, rows)
              .i64(6, chunk.size)
              .i64(7, chunk.size)
              .i64(9, chunk.offset),
          );
        })
        .i64(2, totalBytes)
        .i64(3, rows),
    )
    .end();
}
