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
    if ((value | 0) === value && value >= 0) {
      at += digitCount(value);
      writeDigits(bytes, at, value);
    } else {
      at = writeInteger(bytes, at, value);
    }
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

/** The two ASCII digits of 0..99, at `2 * n` and `2 * n + 1`. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) =>
  i % 2 === 0 ? 0x30 + Math.floor(i / 20) : 0x30 + (((i - 1) / 2) % 10),
);

/** The number of decimal digits of 0 <= value < 2^31. */
function digitCount(value: number): number {
  return value < 100_000
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
}

/**
 * Writes the decimal digits of `value` (0 <= value < 2^31) so that they end just before `end`, two
 * at a time, zero-padded on the left down to `start` when given.
 */
function writeDigits(bytes: Buffer, end: number, value: number, start = end): void {
  let rest = value;
  let i = end;
  while (rest >= 100) {
    const next = (rest / 100) | 0;
    const pair = (rest - next * 100) << 1;
    bytes[--i] = PAIRS[pair + 1]!;
    bytes[--i] = PAIRS[pair]!;
    rest = next;
  }
  if (rest >= 10) {
    const pair = rest << 1;
    bytes[--i] = PAIRS[pair + 1]!;
    bytes[--i] = PAIRS[pair]!;
  } else if (rest > 0 || i === end) {
    bytes[--i] = 0x30 + rest;
  }
  while (i > start) bytes[--i] = 0x30;
}

function writeInteger(bytes: Buffer, at: number, value: number): number {
  if (value === -1) {
    bytes[at] = 0x2d;
    bytes[at + 1] = 0x31;
    return at + 2;
  }
  if (!(value >= 0) || !Number.isSafeInteger(value))
    throw new RangeError(`cannot stage ${value}: not a safe integer >= -1`);
  if (value < 0x80000000) {
    const end = at + digitCount(value);
    writeDigits(bytes, end, value);
    return end;
  }
  // From 2^31 on: the high part (< 2^31, since value < 2^53), then the low 9 digits zero-padded.
  const high = Math.floor(value / 1e9);
  const low = value - high * 1e9;
  const middle = at + digitCount(high);
  writeDigits(bytes, middle, high);
  writeDigits(bytes, middle + 9, low, middle);
  return middle + 9;
}
