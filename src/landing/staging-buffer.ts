/**
 * A growable byte buffer of tab-separated non-negative-or-minus-one integers, one row per line, for
 * staging simulated rows to DuckDB's CSV reader. Writing digits straight into bytes avoids building
 * one JavaScript string per row, which cost several microseconds a row (number formatting, string
 * trees and the garbage collector), far more than generating the row.
 */
export class StagingBuffer {
  private bytes: Buffer;
  private length = 0;

  /** `initialBytes` is a hint (default 1 MiB); the buffer doubles when full. */
  constructor(initialBytes = 1 << 20) {
    this.bytes = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  /** Appends one row: the integers separated by tabs, then a newline. Each must be a safe integer >= -1. */
  row(values: readonly number[]): void {
    this.beginRow(values.length);
    for (let i = 0; i < values.length; i++) this.integer(values[i]!);
    this.endRow();
  }

  /**
   * Starts a row of at most `columns` integers, written with {@link integer} and closed with
   * {@link endRow}: the allocation-free form of {@link row}.
   */
  beginRow(columns: number): void {
    this.reserve(columns * 21);
  }

  /** Appends one integer of the row begun with {@link beginRow}, then a tab. A safe integer >= -1. */
  integer(value: number): void {
    const bytes = this.bytes;
    let at = this.length;
    if (value >= 0 && value < 10 && (value | 0) === value) bytes[at++] = 0x30 + value;
    else at = writeInteger(bytes, at, value);
    bytes[at] = 0x09;
    this.length = at + 1;
  }

  /** Ends the row: its last tab becomes the newline. */
  endRow(): void {
    this.bytes[this.length - 1] = 0x0a;
  }

  /** The bytes written (a view, valid until the next write or {@link clear}). */
  contents(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** Forgets the rows written, keeping the memory for the next chunk. */
  clear(): void {
    this.length = 0;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + extra));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}

/** Writes `value` (0 <= value < 2^31) as decimal digits at `at`; returns the position after them. */
function writeSmall(bytes: Buffer, at: number, value: number): number {
  const digits =
    value < 100_000
      ? value < 100
        ? value < 10
          ? 1
          : 2
        : value < 1000
          ? 3
          : value < 10_000
            ? 4
            : 5
      : value < 10_000_000
        ? value < 1_000_000
          ? 6
          : 7
        : value < 100_000_000
          ? 8
          : value < 1_000_000_000
            ? 9
            : 10;
  let rest = value;
  for (let i = at + digits - 1; i >= at; i--) {
    const next = (rest / 10) | 0;
    bytes[i] = 0x30 + rest - next * 10;
    rest = next;
  }
  return at + digits;
}

function writeInteger(bytes: Buffer, at: number, value: number): number {
  if (value >= 0 && value <= 0x7fffffff && (value | 0) === value)
    return writeSmall(bytes, at, value);
  if (value === -1) {
    bytes[at] = 0x2d;
    bytes[at + 1] = 0x31;
    return at + 2;
  }
  if (!(value >= 0) || !Number.isSafeInteger(value))
    throw new RangeError(`cannot stage ${value}: not a safe integer >= -1`);
  // Above 2^31: the high part (< 2^31, since value < 2^53), then the low 9 digits zero-padded.
  const high = Math.floor(value / 1e9);
  let low = value - high * 1e9;
  at = writeSmall(bytes, at, high);
  for (let i = at + 8; i >= at; i--) {
    const next = Math.floor(low / 10);
    bytes[i] = 0x30 + low - next * 10;
    low = next;
  }
  return at + 9;
}
