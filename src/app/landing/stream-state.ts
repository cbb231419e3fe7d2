/**
 * Where a simulation continues a warehouse's stream: per partition the sequence range already
 * present, and the newest event time. Empty for a new warehouse or a JSONL file.
 */
export interface StreamState {
  /** Per partition id: min and max `sequence_id` and the number of distinct ones present. */
  readonly partitions: ReadonlyMap<number, { min: number; max: number; distinct: number }>;
  /** Newest `created_at` present (ms), or null. */
  readonly maxCreatedMs: number | null;
}

/** The state of a stream with nothing landed yet: sequences start at 1, the clock at `startMs`. */
export const EMPTY_STREAM_STATE: StreamState = Object.freeze({
  partitions: new Map(),
  maxCreatedMs: null,
});
