import { rmSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../../base/errors/user-error.js';
import type { Warehouse } from '../../base/warehouse/open-warehouse.js';
import { inTransaction } from '../../base/warehouse/in-transaction.js';
import { ensureLandingTables } from './landing-schema.js';
import { nextBatch, timestampLiteral } from './ledger.js';
import type { ProgressListener } from './progress-listener.js';
import { readStreamState } from './read-stream-state.js';
import { recordSimulation } from './record-simulation.js';
import { resolveSimulationOptions } from './resolve-simulation-options.js';
import { describeSimulation, type SimulationOptions } from './simulation-options.js';
import { SimulationStaging } from './simulation-staging.js';
import { SimulationStream } from './simulation-stream.js';
import type { SimulationSummary } from './simulation-summary.js';
import { insertStagedChunkSql, type StagedBatch } from './staged-chunk-insert.js';
import { makeStagingDir } from './staging-dir.js';

/**
 * Generates a simulation and lands it into the warehouse as ONE batch in one transaction:
 * `raw_messages` rows (`_source` = {@link describeSimulation}, `_line` = the row's ordinal), a
 * `raw_loads` row (kind 'simulation'; `content_sha256` fingerprints the generated rows: the SHA-256 of
 * the staged numbers, each row group's columns in order as their Parquet values, so two identical runs
 * share it, but it is not the hash of the `--out` JSONL file, whose text is never built here) and
 * its ground truth in `raw_simulations`. The run continues the warehouse's stream: its clock starts
 * after the newest `created_at` present and each partition's sequence after its highest id.
 * Rows are generated and landed in chunks of a few row groups, so memory stays bounded: each row
 * group is staged as numbers in a temporary Parquet file (two chunks' files on disk at most); one
 * set-based insert reads a chunk's files while the next chunk is generated; DuckDB builds the
 * strings.
 * Malformed lines are JSONL-only: `malformedRate` must be 0 here.
 */
export async function landSimulation(
  warehouse: Warehouse,
  requested: Partial<SimulationOptions> = {},
  onProgress?: ProgressListener,
): Promise<SimulationSummary> {
  const asked = resolveSimulationOptions(requested);
  if (asked.malformedRate > 0) {
    throw new UserError(
      'malformed-rate: malformed lines exist only in JSONL output; add --out FILE',
      2,
    );
  }
  const { connection } = warehouse;
  await ensureLandingTables(connection);
  const startedAt = new Date();
  const stagingDir = makeStagingDir('landing-simulate-');
  try {
    const summary = await inTransaction(connection, () =>
      landBatch(connection, asked, { startedAt, stagingDir, onProgress }),
    );
    // The commit writes the batch for good: it is part of the time a user waits.
    return { ...summary, seconds: (Date.now() - startedAt.getTime()) / 1000 };
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
}

/** Lands the batch and records it; call inside the batch's transaction. */
async function landBatch(
  connection: DuckDBConnection,
  asked: SimulationOptions,
  run: { startedAt: Date; stagingDir: string; onProgress: ProgressListener | undefined },
): Promise<SimulationSummary> {
  const state = await readStreamState(connection);
  const options: SimulationOptions = {
    ...asked,
    startMs:
      state.maxCreatedMs === null
        ? asked.startMs
        : Math.max(asked.startMs, state.maxCreatedMs + 1000),
  };
  const { batchId, firstOffset } = await nextBatch(connection);
  const source = describeSimulation(options);
  const stream = new SimulationStream(options, state);
  const staging = new SimulationStaging(run.stagingDir);
  const batch: StagedBatch = {
    firstOffset,
    batchId,
    source,
    loadedAt: timestampLiteral(run.startedAt),
    runTag: stream.runTag,
  };
  await landChunks(connection, stream, staging, batch, () =>
    run.onProgress?.(stream.truth.messages, options.messages),
  );
  const truth = stream.truth;
  const contentSha256 = staging.digest();
  const finishedAt = new Date();
  const lastOffset = firstOffset + truth.messages - 1;
  await recordSimulation(connection, {
    batchId,
    source,
    options,
    truth,
    contentSha256,
    firstOffset,
    lastOffset,
    startedAt: run.startedAt,
    finishedAt,
  });
  return {
    batchId,
    options,
    truth: { ...truth },
    contentSha256,
    firstOffset,
    lastOffset,
    seconds: (finishedAt.getTime() - run.startedAt.getTime()) / 1000,
  };
}

/** Stages and inserts `stream`'s chunks until it is done, one insert running while the next chunk is staged. */
async function landChunks(
  connection: DuckDBConnection,
  stream: SimulationStream,
  staging: SimulationStaging,
  batch: StagedBatch,
  onChunk: () => void,
): Promise<void> {
  let pending: Promise<unknown> | undefined;
  try {
    for (;;) {
      const files = staging.stageChunk(stream);
      if (files.length === 0) break;
      await pending; // the previous chunk's insert must finish first (one statement at a time)
      pending = connection.run(insertStagedChunkSql(files, batch));
      onChunk();
    }
  } catch (error) {
    // Never leave an insert running (or its failure unobserved) behind the rollback.
    await pending?.catch(() => undefined);
    throw error;
  }
  await pending;
}
