import type { DuckDBConnection } from '@duckdb/node-api';
import { recordLoad, timestampLiteral } from './ledger.js';
import { TRUTH_WATERMARK_MINUTES, type SimulationOptions } from './simulation-options.js';
import type { SimulationTruth } from './simulation-truth.js';

/** A simulated batch as the ledger and the ground truth table record it. */
export interface SimulatedBatch {
  readonly batchId: number;
  readonly source: string;
  readonly options: SimulationOptions;
  readonly truth: SimulationTruth;
  readonly contentSha256: string;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/**
 * Records a landed simulation, inside its batch's transaction: its `raw_loads` row (kind
 * 'simulation', every row accepted) and its ground truth with the options that produced it in
 * `raw_simulations`.
 */
export async function recordSimulation(
  connection: DuckDBConnection,
  batch: SimulatedBatch,
): Promise<void> {
  const { batchId, options, truth } = batch;
  await recordLoad(connection, {
    batchId,
    kind: 'simulation',
    source: batch.source,
    contentSha256: batch.contentSha256,
    linesRead: truth.messages,
    accepted: truth.messages,
    rejected: 0,
    firstOffset: batch.firstOffset,
    lastOffset: batch.lastOffset,
    replayOf: null,
    startedAt: batch.startedAt,
    finishedAt: batch.finishedAt,
  });
  await connection.run(
    `insert into raw_simulations by name select ${[
      `${batchId} as batch_id`,
      `${options.seed} as seed`,
      ...Object.entries(truth).map(([name, value]) => `${value} as ${name}`),
      `${options.partitions} as partitions`,
      `${options.duplicateRate} as duplicate_rate`,
      `${options.outOfOrderRate} as out_of_order_rate`,
      `${options.missingRate} as missing_rate`,
      `${options.lateRate} as late_rate`,
      `${options.conflictRate} as conflict_rate`,
      `${options.malformedRate} as malformed_rate`,
      `${TRUTH_WATERMARK_MINUTES} as watermark_minutes`,
      `${timestampLiteral(new Date(options.startMs))} as start_at`,
    ].join(', ')}`,
  );
}
