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
    this.reserve(values.length * 21);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < values.length; i++) {
      if (i > 0) bytes[at++] = 0x09;
      at = writeInteger(bytes, at, values[i]!);
    }
    bytes[at++] = 0x0a;
    this.length = at;
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

function writeInteger(bytes: Buffer, at: number, value: number): number {
  if (value === -1) {
    bytes[at] = 0x2d;
    bytes[at + 1] = 0x31;
    return at + 2;
  }
  if (!(value >= 0) || !Number.isSafeInteger(value))
    throw new RangeError(`cannot stage ${value}: not a safe integer >= -1`);
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = value;
  for (let i = at + digits - 1; i >= at; i--) {
    bytes[i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}
