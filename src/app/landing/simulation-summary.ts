import type { SimulationOptions } from './simulation-options.js';
import type { SimulationTruth } from './simulation-truth.js';

/** What a simulation landed or wrote. */
export interface SimulationSummary {
  /** Batch id when landed into a warehouse. */
  readonly batchId?: number;
  /** The options actually used (`startMs` moved past the warehouse's newest event when needed). */
  readonly options: SimulationOptions;
  readonly truth: SimulationTruth;
  readonly contentSha256: string;
  readonly firstOffset?: number;
  readonly lastOffset?: number;
  readonly seconds: number;
}
