import { printLine, printWarning } from '../../base/console/console.js';
import {
  openWarehouse,
  type Warehouse,
  type WarehouseSettings,
} from '../../base/warehouse/open-warehouse.js';
import { serveQueries, type ServeQueriesOptions } from '../endpoint/serve-queries.js';
import { ensureLandingTables } from '../landing/landing-schema.js';
import type { NextBatch } from '../landing/ledger.js';
import { JetStreamSource, SourceUnavailableError } from './jetstream-source.js';
import { crashPoint } from './crash-point.js';
import { landStreamBatch } from './land-stream-batch.js';
import type { MessageSource, SourceBatch } from './message-source.js';
import { formatBatchLine, latencyPercentiles, type BatchReport } from './batch-report.js';
import { MicroBatchBuilds, type BuildTrigger } from './micro-batch-builds.js';
import { readCheckpoint } from './stream-checkpoint.js';
import { ensureStreamTables } from './stream-tables.js';

/** What `npm run consume` reads and how it lands. */
export interface ConsumeStreamOptions {
  /** The warehouse file; the consumer holds it open, and builds on it, until it returns. */
  readonly dbPath: string;
  /** DuckDB's threads and memory limit for the warehouse the consumer holds. */
  readonly settings?: WarehouseSettings;
  /** Builds between batches; none when undefined. With `untilIdleSeconds`, a last one at the end. */
  readonly build?: BuildTrigger;
  /** `nats://host:port`. */
  readonly server: string;
  readonly stream: string;
  /** The durable consumer, and the name of the warehouse's checkpoint. Default `warehouse`. */
  readonly durable?: string;
  /**
   * Messages per batch at most (one transaction each); a fetch takes what is waiting up to this.
   * Default 10,000.
   */
  readonly batch?: number;
  /**
   * Stop once the stream is drained and nothing new arrived for this many seconds. Without it the
   * consumer runs until `signal` aborts.
   */
  readonly untilIdleSeconds?: number;
  /** Aborting finishes the batch in hand (landed, committed, acknowledged), then returns. */
  readonly signal?: AbortSignal;
  /** Print one line per batch (default `true`). */
  readonly print?: boolean;
  /**
   * Serve read-only queries on the warehouse while consuming (see `serveQueries`); none when
   * undefined.
   */
  readonly query?: ServeQueriesOptions;
}

/** What a consumer run did. */
export interface ConsumeSummary {
  readonly batches: number;
  readonly landed: number;
  readonly rejected: number;
  readonly skipped: number;
  /** The checkpoint at the end: the last stream sequence landed. */
  readonly lastSequence: number;
}

const DEFAULT_BATCH = 10_000;
const DEFAULT_DURABLE = 'warehouse';
const RETRY_MS = 250;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lands a JetStream stream into the warehouse exactly once per stream sequence, batch by batch:
 * each batch's rows, its ledger row and the checkpoint commit together, then the broker is
 * acknowledged. Starts after the warehouse's checkpoint; a broker that goes away is waited for.
 */
export async function consumeStream(options: ConsumeStreamOptions): Promise<ConsumeSummary> {
  const durable = options.durable ?? DEFAULT_DURABLE;
  const warehouse = await openWarehouse(options.dbPath, options.settings ?? {});
  try {
    await ensureLandingTables(warehouse.connection);
    await ensureStreamTables(warehouse.connection);
    const endpoint = options.query ? await serveQueries(warehouse, options.query) : null;
    try {
      return await consumeWithSource(warehouse, { ...options, durable });
    } finally {
      await endpoint?.close();
    }
  } finally {
    warehouse.close();
  }
}

async function consumeWithSource(
  warehouse: Warehouse,
  options: ConsumeStreamOptions & { durable: string },
): Promise<ConsumeSummary> {
  const { durable } = options;
  const checkpoint = await readCheckpoint(warehouse.connection, options.stream, durable);
  const after = checkpoint?.lastSequence ?? 0;
  const source = await JetStreamSource.open({
    server: options.server,
    stream: options.stream,
    durable,
    after,
    ...(checkpoint ? { expectCreatedAt: checkpoint.streamCreatedAt } : {}),
  });
  try {
    const builds = options.build ? new MicroBatchBuilds(options.build, warehouse) : null;
    return await consumeFrom(warehouse, source, builds, options, after);
  } finally {
    await source.close();
  }
}

interface LoopState {
  batches: number;
  landed: number;
  rejected: number;
  skipped: number;
  lastSequence: number;
  lastArrival: number;
  unavailableSince: number | null;
}

async function consumeFrom(
  warehouse: Warehouse,
  source: MessageSource,
  builds: MicroBatchBuilds | null,
  options: ConsumeStreamOptions & { durable: string },
  after: number,
): Promise<ConsumeSummary> {
  const state: LoopState = {
    batches: 0,
    landed: 0,
    rejected: 0,
    skipped: 0,
    lastSequence: after,
    lastArrival: Date.now(),
    unavailableSince: null,
  };
  // The consumer is the warehouse's only writer while it runs: each batch says where the next starts.
  let cursor: NextBatch | undefined;
  const idleMs = options.untilIdleSeconds === undefined ? null : options.untilIdleSeconds * 1000;
  const waitMs = idleMs === null ? 1000 : Math.min(1000, Math.max(idleMs, 1));
  const max = options.batch ?? DEFAULT_BATCH;
  // The next batch is fetched while one lands, so that the broker's deliveries and DuckDB's work
  // overlap; at most this one batch is held unacknowledged beyond the one landing.
  let ahead: Promise<SourceBatch | null> | null = null;
  while (!options.signal?.aborted) {
    const batch = await (ahead ?? fetchOrWait(source, max, waitMs, state));
    ahead = null;
    if (batch === null) continue;
    state.skipped += batch.skipped;
    if (batch.messages.length === 0) {
      if (batch.skipped > 0) await source.acknowledge(state.lastSequence);
      if (builds?.due()) await builds.run();
      if (idleMs !== null && (await drained(source, state, idleMs))) break;
      continue;
    }
    crashPoint('fetched');
    const streamLast = await source.lastPosition().catch(() => null);
    ahead = fetchOrWait(source, max, waitMs, state);
    // Kept from going unhandled should landing fail first; awaited on the next turn.
    ahead.catch(() => undefined);
    const landed = await landStreamBatch(
      warehouse.connection,
      {
        source: source.name,
        stream: options.stream,
        consumer: options.durable,
        streamCreatedAt: source.createdAt,
      },
      batch.messages,
      { skipped: batch.skipped, streamLastSequence: streamLast },
      cursor,
    );
    cursor = landed.next;
    const committedAt = Date.now();
    crashPoint('committed');
    await source.acknowledge(landed.lastPosition);
    crashPoint('acked');
    state.batches++;
    state.landed += landed.accepted;
    state.rejected += landed.rejected;
    state.lastSequence = landed.lastPosition;
    state.lastArrival = committedAt;
    if (options.print ?? true) {
      const report: BatchReport = {
        ...landed,
        skipped: batch.skipped,
        lag: streamLast === null ? null : Math.max(0, streamLast - landed.lastPosition),
        latency: latencyPercentiles(batch.messages, committedAt),
      };
      printLine(formatBatchLine(report));
    }
    builds?.landed(landed.accepted + landed.rejected);
    if (builds?.due()) await builds.run();
  }
  if (builds?.pending && idleMs !== null) await builds.run();
  const { batches, landed, rejected, skipped, lastSequence } = state;
  return { batches, landed, rejected, skipped, lastSequence };
}

/** A batch, or null when the broker cannot be reached (said once, then waited for). */
async function fetchOrWait(
  source: MessageSource,
  max: number,
  waitMs: number,
  state: LoopState,
): Promise<SourceBatch | null> {
  try {
    const batch = await source.fetch(max, waitMs);
    if (state.unavailableSince !== null) {
      printWarning(
        `the broker is back after ${((Date.now() - state.unavailableSince) / 1000).toFixed(1)} s`,
      );
      state.unavailableSince = null;
    }
    return batch;
  } catch (error) {
    if (!(error instanceof SourceUnavailableError)) throw error;
    if (state.unavailableSince === null) {
      state.unavailableSince = Date.now();
      printWarning(`cannot read the stream (${error.message}); retrying until the broker is back`);
    }
    await sleep(RETRY_MS);
    return null;
  }
}

/** True when everything in the stream is landed and nothing arrived for `idleMs`. */
async function drained(source: MessageSource, state: LoopState, idleMs: number): Promise<boolean> {
  if (Date.now() - state.lastArrival < idleMs) return false;
  const last = await source.lastPosition().catch(() => null);
  return last !== null && last <= state.lastSequence;
}
