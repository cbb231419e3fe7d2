/** Scale presets of `npm run simulate --scale`: messages emitted (rows, redeliveries included). */
export const SIMULATION_SCALES = {
  small: 100,
  medium: 10_000,
  large: 1_000_000,
  xlarge: 10_000_000,
} as const;

export type SimulationScale = keyof typeof SIMULATION_SCALES;

/** The default first event time of a simulation into an empty warehouse (or of a JSONL file). */
export const DEFAULT_SIMULATION_START = '2025-01-13T00:00:00.000Z';

/** The watermark delay the ground truth uses for `late_messages` (the pipeline's default). */
export const TRUTH_WATERMARK_MINUTES = 60;

/** Everything that determines a simulated stream. Same options (and same warehouse) → same bytes. */
export interface SimulationOptions {
  /** PRNG seed (default 42). */
  readonly seed: number;
  /** Rows emitted, redeliveries and conflicting copies included; malformed lines not included (default 10,000). */
  readonly messages: number;
  /** Partitions, each with its own sequence (default 3). */
  readonly partitions: number;
  /** Probability that a message gets an extra exact redelivery (default 0.10); half are re-serialised. */
  readonly duplicateRate: number;
  /** Probability that a message is held back 1–20 positions (default 0.10). */
  readonly outOfOrderRate: number;
  /** Probability that a message is never delivered, leaving a sequence gap (default 0.01). */
  readonly missingRate: number;
  /** Probability that a message arrives more than an hour of event time behind the newest (default 0.005). */
  readonly lateRate: number;
  /** Probability that a message gets a copy with the same key and another amount (default 0.001). */
  readonly conflictRate: number;
  /** Probability of a malformed line before a message, JSONL output only (default 0). */
  readonly malformedRate: number;
  /** First event time, ms since the epoch (default 2025-01-13T00:00:00Z; later when the warehouse holds later events). */
  readonly startMs: number;
}

/** The default options: medium scale, seed 42, chaos rates seen in real streams. */
export const DEFAULT_SIMULATION_OPTIONS: SimulationOptions = Object.freeze({
  seed: 42,
  messages: SIMULATION_SCALES.medium,
  partitions: 3,
  duplicateRate: 0.1,
  outOfOrderRate: 0.1,
  missingRate: 0.01,
  lateRate: 0.005,
  conflictRate: 0.001,
  malformedRate: 0,
  startMs: Date.parse(DEFAULT_SIMULATION_START),
});

/** A readable description of a run, recorded as `_source` (`simulate:seed=42:messages=10000:...`). */
export function describeSimulation(options: SimulationOptions): string {
  return [
    'simulate',
    `seed=${options.seed}`,
    `messages=${options.messages}`,
    `partitions=${options.partitions}`,
    `duplicate=${options.duplicateRate}`,
    `out_of_order=${options.outOfOrderRate}`,
    `missing=${options.missingRate}`,
    `late=${options.lateRate}`,
    `conflict=${options.conflictRate}`,
    `start=${new Date(options.startMs).toISOString()}`,
  ].join(':');
}
