import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../../base/errors/user-error.js';
import type { Warehouse } from '../../base/warehouse/open-warehouse.js';
import { inTransaction } from '../../base/warehouse/in-transaction.js';
import { quoteLiteral } from '../../base/warehouse/quote.js';
import { readScalar } from '../../base/warehouse/read-scalar.js';
import { ensureLandingTables } from './landing-schema.js';
import { ParquetRowGroup, type ParquetColumn } from './parquet-row-group.js';
import { nextBatch, recordLoad, timestampLiteral } from './ledger.js';
import { makeStagingDir } from './staging-dir.js';
import {
  DEFAULT_SIMULATION_OPTIONS,
  TRUTH_WATERMARK_MINUTES,
  describeSimulation,
  type SimulationOptions,
} from './simulation-options.js';
import {
  CURRENCIES,
  EMPTY_STREAM_STATE,
  EVENT_TYPES,
  METHODS,
  SimulationStream,
  type RowSink,
  type SimulationTruth,
  type StreamState,
} from './simulator.js';

/**
 * DuckDB's row group size: each staging file holds exactly one row group of rows (the last one of a run
 * fewer), so that every insert writes full row groups and the checkpoint at the end has nothing to
 * merge and rewrite (a partial row group made the checkpoint recompress the whole batch: seconds per
 * million rows).
 */
const ROW_GROUP_ROWS = 122_880;
/** Row groups generated per chunk, landed by one insert: bounds memory and the staging files. */
const CHUNK_ROW_GROUPS = 4;

/** Receives progress as rows done out of the total. */
export type ProgressListener = (done: number, total: number) => void;

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

function validate(options: SimulationOptions): void {
  const fail = (message: string): never => {
    throw new UserError(message, 2);
  };
  if (!Number.isSafeInteger(options.messages) || options.messages < 1)
    fail(`messages: must be a whole number >= 1, got ${options.messages}`);
  if (
    !Number.isInteger(options.partitions) ||
    options.partitions < 1 ||
    options.partitions > 10_000
  ) {
    fail(`partitions: must be a whole number from 1 to 10000, got ${options.partitions}`);
  }
  if (!Number.isSafeInteger(options.seed))
    fail(`seed: must be a whole number, got ${options.seed}`);
  if (!Number.isFinite(options.startMs)) fail('start: not a valid timestamp');
  const rates: [string, number][] = [
    ['duplicate-rate', options.duplicateRate],
    ['out-of-order-rate', options.outOfOrderRate],
    ['missing-rate', options.missingRate],
    ['late-rate', options.lateRate],
    ['conflict-rate', options.conflictRate],
    ['malformed-rate', options.malformedRate],
  ];
  for (const [name, rate] of rates) {
    if (!(rate >= 0 && rate < 1)) fail(`${name}: must be a probability in [0, 1), got ${rate}`);
  }
  if (options.lateRate + options.outOfOrderRate >= 1)
    fail('late-rate + out-of-order-rate: must stay below 1');
}

/** Reads where the warehouse's stream stands, so that a simulation continues it. */
export async function readStreamState(connection: DuckDBConnection): Promise<StreamState> {
  const partitions = new Map<number, { min: number; max: number; distinct: number }>();
  const reader = await connection.runAndReadAll(
    `select partition_id, min(sequence_id), max(sequence_id), count(distinct sequence_id)
     from raw_messages group by partition_id`,
  );
  for (const [p, min, max, distinct] of reader.getRows()) {
    partitions.set(Number(p), { min: Number(min), max: Number(max), distinct: Number(distinct) });
  }
  const maxCreated = await readScalar(
    connection,
    'select epoch_ms(max(created_at)) from raw_messages',
  );
  return {
    partitions,
    maxCreatedMs: maxCreated === null || maxCreated === undefined ? null : Number(maxCreated),
  };
}

/** A SQL list literal of strings, indexed 1-based by `code + 1`. */
function listLiteral(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}

/**
 * The staged columns: the generator's numbers only (about 70 bytes a row), in the order of
 * {@link RowSink}'s arguments. DuckDB builds the strings (ids, timestamps, payload JSON) from them in
 * parallel, far faster than JavaScript could build and ship the JSON text. Numbers that can grow past
 * 2^31 with the run or the warehouse's stream are DOUBLEs (exact integers below 2^53, cast back to
 * BIGINT in SQL); the codes, partition, amount and customer number are bounded by the generator.
 */
const STAGED_COLUMNS: readonly ParquetColumn[] = [
  { name: 'ordinal', type: 'DOUBLE' },
  { name: 'message_no', type: 'DOUBLE' },
  { name: 'sequence_id', type: 'DOUBLE' },
  { name: 'partition_id', type: 'INT32' },
  { name: 'created_ms', type: 'DOUBLE' },
  { name: 'transaction_no', type: 'DOUBLE' },
  { name: 'event_type_code', type: 'INT32' },
  { name: 'amount_cents', type: 'INT32' },
  { name: 'currency_code', type: 'INT32' },
  { name: 'customer_no', type: 'INT32' },
  { name: 'method_code', type: 'INT32' },
  { name: 'reserialised', type: 'INT32' },
];

/** Stages each row into `group`'s columns (written as Parquet for DuckDB), allocating nothing. */
function stagingSink(group: ParquetRowGroup): RowSink {
  const [
    ordinals,
    messageNos,
    sequenceIds,
    partitionIds,
    createdMs,
    transactionNos,
    eventTypeCodes,
    amountCents,
    currencyCodes,
    customerNos,
    methodCodes,
    reserialiseds,
  ] = STAGED_COLUMNS.map((_, index) => group.values(index));
  return (
    ordinal,
    messageNo,
    sequenceId,
    partitionId,
    createdAtMs,
    transactionNo,
    eventTypeCode,
    amount,
    currencyCode,
    customerNo,
    methodCode,
    reserialised,
  ) => {
    const row = group.rows++;
    ordinals![row] = ordinal;
    messageNos![row] = messageNo;
    sequenceIds![row] = sequenceId;
    partitionIds![row] = partitionId;
    createdMs![row] = createdAtMs;
    transactionNos![row] = transactionNo;
    eventTypeCodes![row] = eventTypeCode;
    amountCents![row] = amount;
    currencyCodes![row] = currencyCode;
    customerNos![row] = customerNo;
    methodCodes![row] = methodCode;
    reserialiseds![row] = reserialised;
  };
}

/**
 * The fraction of an amount as the JSON payload stores it, indexed by `cents % 100`: the shortest
 * text of the double (`.0`, `.01` ... `.09`, `.1`, `.11` ...).
 */
const AMOUNT_FRACTIONS = Array.from({ length: 100 }, (_, cents) =>
  cents % 10 === 0 ? `.${cents / 10}` : `.${String(cents).padStart(2, '0')}`,
);

/**
 * SQL for an amount given as whole cents in `cents` (a BIGINT column, 0 <= cents < 2^43): its text in
 * the stored payload JSON, and its DECIMAL(18,2) (from DOUBLE cents / 100, exact to the cent here).
 * Exported for the test that compares them with what the loader stores.
 */
export function amountSql(cents: string): { json: string; decimal: string } {
  return {
    json: `concat(${cents} // 100, ${listLiteral(AMOUNT_FRACTIONS)}[${cents} % 100 + 1])`,
    decimal: `(${cents} / 100)::DECIMAL(18,2)`,
  };
}

/** The staged columns read back with their types as the landing uses them. */
const STAGED_SELECT = STAGED_COLUMNS.map(
  ({ name, type }) => `${name}::${type === 'DOUBLE' ? 'BIGINT' : 'INTEGER'} as ${name}`,
).join(', ');

/**
 * The insert of one staged chunk into `raw_messages`, one set-based statement.
 *
 * The payload is the text the loader stores for the same line of the `--out` JSONL: DuckDB's JSON
 * reader keeps the keys in their order without the spacing (a re-serialised copy is stored compact,
 * in its own key order) and writes a number as the shortest text of its double (`224.40` is stored
 * `224.4`, `100.00` as `100.0`). It is built in that form directly and only validated by the cast to
 * JSON, instead of being built as in the JSONL and re-serialised with `json()`, which costs a parse
 * and a serialisation per row (the same bytes: {@link amountSql} is tested against `json()` for every
 * amount up to 1,000.00; the simulator's amounts stay below 502.00). `created_at` is the instant
 * `created_ms` after the epoch (`make_timestamptz` of microseconds: no time zone arithmetic).
 *
 * The chunk's files are read in order, one row group each: a row group is one batch of the insert and
 * the threads take them in turn, so arrival order is kept without a sort and every file is written
 * as one full row group of `raw_messages`.
 */
function insertStagedChunkSql(
  files: readonly string[],
  batch: { firstOffset: number; batchId: number; source: string; loadedAt: string; runTag: string },
): string {
  const customerJson = `case when customer_no >= 0 then concat('"c-', customer_no, '"') else 'null' end`;
  return `
    insert into raw_messages
    with staged as (
        select
            ordinal,
            sequence_id,
            partition_id,
            created_ms,
            amount_cents,
            reserialised,
            concat(${quoteLiteral(`${batch.runTag}-m`)}, message_no) as message_id,
            concat(${quoteLiteral(`${batch.runTag}-t`)}, transaction_no) as transaction_id,
            ${listLiteral(EVENT_TYPES)}[event_type_code + 1] as event_type,
            ${listLiteral(CURRENCIES)}[currency_code + 1] as currency,
            case when customer_no >= 0 then concat('c-', customer_no) end as customer_id,
            ${customerJson} as customer_json,
            ${listLiteral(METHODS)}[method_code + 1] as method,
            ${amountSql('amount_cents').json} as amount_json
        from (select ${STAGED_SELECT} from read_parquet(${listLiteral(files)}))
    )
    select
        ${batch.firstOffset - 1} + ordinal as _offset,
        message_id,
        sequence_id,
        partition_id,
        make_timestamptz(created_ms * 1000) as created_at,
        transaction_id,
        event_type,
        ${amountSql('amount_cents').decimal} as amount,
        currency,
        customer_id,
        (case
            when reserialised = 1 then
                concat('{"method":"', method, '","customer_id":', customer_json, ',"currency":"', currency,
                    '","amount":', amount_json, ',"event_type":"', event_type, '","transaction_id":"',
                    transaction_id, '"}')
            else
                concat('{"transaction_id":"', transaction_id, '","event_type":"', event_type, '","amount":',
                    amount_json, ',"currency":"', currency, '","customer_id":', customer_json, ',"method":"',
                    method, '"}')
        end)::JSON as payload,
        ${batch.batchId} as _batch_id,
        ${quoteLiteral(batch.source)} as _source,
        ordinal as _line,
        ${batch.loadedAt} as _loaded_at
    from staged`;
}

/**
 * Generates a simulation and lands it into the warehouse as ONE batch in one transaction:
 * `raw_messages` rows (`_source` = {@link describeSimulation}, `_line` = the row's ordinal), a
 * `raw_loads` row (kind 'simulation'; `content_sha256` fingerprints the generated rows: the SHA-256 of
 * the staged numbers, each row group's columns in order as their Parquet values, so two identical runs
 * share it, but it is not the hash of the `--out` JSONL file, whose text is never built here) and
 * its ground truth in `raw_simulations`. The run continues the warehouse's stream: its clock starts
 * after the newest `created_at` present and each partition's sequence after its highest id.
 * Rows are generated and landed in chunks of {@link CHUNK_ROW_GROUPS} row groups, so memory stays
 * bounded: each row group is staged as numbers in a temporary Parquet file (two chunks' files on disk at
 * most); one set-based insert reads a chunk's files while the next chunk is generated; DuckDB builds
 * the strings.
 * Malformed lines are JSONL-only: `malformedRate` must be 0 here.
 */
export async function landSimulation(
  warehouse: Warehouse,
  requested: Partial<SimulationOptions> = {},
  onProgress?: ProgressListener,
): Promise<SimulationSummary> {
  const asked: SimulationOptions = { ...DEFAULT_SIMULATION_OPTIONS, ...requested };
  validate(asked);
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
    const summary = await inTransaction(connection, async () => {
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
      const hash = createHash('sha256');
      const loadedAt = timestampLiteral(startedAt);
      let pending: Promise<unknown> | undefined;
      let chunkIndex = 0;
      const group = new ParquetRowGroup(STAGED_COLUMNS, ROW_GROUP_ROWS);
      const sink = stagingSink(group);
      try {
        while (!stream.done) {
          // A small first chunk (one row group), so that DuckDB starts early.
          const rowGroups = chunkIndex === 0 ? 1 : CHUNK_ROW_GROUPS;
          // Two sets of files in turn: this set was read by the insert before the previous one, which is done.
          const files: string[] = [];
          for (let index = 0; index < rowGroups && !stream.done; index++) {
            group.rows = 0;
            if (stream.fillRows(ROW_GROUP_ROWS, sink) === 0) break;
            // The content hash covers the staged numbers: each row group's columns, in order, as stored.
            for (let column = 0; column < STAGED_COLUMNS.length; column++) {
              const values = group.values(column);
              hash.update(new Uint8Array(values.buffer, 0, group.rows * values.BYTES_PER_ELEMENT));
            }
            const file = join(stagingDir, `chunk-${chunkIndex % 2}-${index}.parquet`);
            group.writeFile(file);
            files.push(file);
          }
          if (files.length === 0) break;
          chunkIndex++;
          await pending; // the previous chunk's insert must finish first (one statement at a time)
          pending = connection.run(
            insertStagedChunkSql(files, {
              firstOffset,
              batchId,
              source,
              loadedAt,
              runTag: stream.runTag,
            }),
          );
          onProgress?.(stream.truth.messages, options.messages);
        }
      } catch (error) {
        // Never leave an insert running (or its failure unobserved) behind the rollback.
        await pending?.catch(() => undefined);
        throw error;
      }
      await pending;
      const truth = stream.truth;
      const contentSha256 = hash.digest('hex');
      const finishedAt = new Date();
      const lastOffset = firstOffset + truth.messages - 1;
      await recordLoad(connection, {
        batchId,
        kind: 'simulation',
        source,
        contentSha256,
        linesRead: truth.messages,
        accepted: truth.messages,
        rejected: 0,
        firstOffset,
        lastOffset,
        replayOf: null,
        startedAt,
        finishedAt,
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
      return {
        batchId,
        options,
        truth: { ...truth },
        contentSha256,
        firstOffset,
        lastOffset,
        seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      };
    });
    // The commit writes the batch for good: it is part of the time a user waits.
    return { ...summary, seconds: (Date.now() - startedAt.getTime()) / 1000 };
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * Writes a simulation as JSONL to `path` (gzip when it ends in `.gz`), without a warehouse: the
 * stream starts at `options.startMs` with sequences from 1. Same options → byte-identical file.
 */
export async function writeSimulationJsonl(
  path: string,
  requested: Partial<SimulationOptions> = {},
  onProgress?: ProgressListener,
): Promise<SimulationSummary> {
  const options: SimulationOptions = { ...DEFAULT_SIMULATION_OPTIONS, ...requested };
  validate(options);
  const startedAt = Date.now();
  const file = createWriteStream(path);
  const gzip = path.endsWith('.gz') ? createGzip() : undefined;
  if (gzip) gzip.pipe(file);
  const out: Writable = gzip ?? file;
  const finished = once(file, 'close');
  const failed = new Promise<never>((_, reject) => {
    file.once('error', (cause: Error) =>
      reject(new UserError(`${path}: cannot write (${cause.message})`, 1, { cause })),
    );
  });
  const hash = createHash('sha256');
  const stream = new SimulationStream(options, EMPTY_STREAM_STATE);
  const work = (async () => {
    while (!stream.done) {
      const lines: string[] = [];
      const n = stream.fill(
        ROW_GROUP_ROWS * CHUNK_ROW_GROUPS,
        (m) => lines.push(m.line),
        (bad) => lines.push(bad),
      );
      if (n === 0) break;
      const text = lines.join('\n') + '\n';
      hash.update(text);
      await write(out, text);
      onProgress?.(stream.truth.messages, options.messages);
    }
    out.end();
    await finished;
  })();
  await Promise.race([work, failed]);
  return {
    options,
    truth: { ...stream.truth },
    contentSha256: hash.digest('hex'),
    seconds: (Date.now() - startedAt) / 1000,
  };
}

/**
 * Lands the default simulation (medium scale: 10,000 messages, seed 42) when nothing was ever landed
 * (`raw_messages` and the `raw_loads` ledger absent or empty), for `npm run build-models`' quickstart. Never adds simulated data to a warehouse
 * that holds any landed message. Returns whether it landed and, if so, the summary.
 */
export async function landDefaultSimulationIfEmpty(
  warehouse: Warehouse,
): Promise<{ landed: boolean; summary?: SimulationSummary }> {
  // Anything landed before (an accepted message, or a load whose every line was rejected) means
  // the user has their own data: never mix simulated messages into it.
  for (const table of ['raw_messages', 'raw_loads']) {
    const exists = await readScalar(
      warehouse.connection,
      `select count(*) from information_schema.tables where table_schema = 'main' and table_name = '${table}'`,
    );
    if (Number(exists ?? 0) === 0) continue;
    const rows = await readScalar(warehouse.connection, `select exists (select 1 from ${table})`);
    if (rows === true) return { landed: false };
  }
  return { landed: true, summary: await landSimulation(warehouse, DEFAULT_SIMULATION_OPTIONS) };
}
