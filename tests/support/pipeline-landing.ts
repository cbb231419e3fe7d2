/**
 * Lands test arrivals through the landing loader users run (`npm run load`): the arrivals are
 * written as one JSONL file per batch and loaded with `loadFile`, which assigns `_offset`s in file
 * order after the landed ones. {@link readLandedArrivals} reads back what was landed, which is what
 * the reference model must see (the loader stores payloads minified).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFile } from '../../src/app/landing/load-file.js';
import { withWarehouse, type Warehouse } from '../../src/base/warehouse/open-warehouse.js';
import type { Arrival } from './pipeline-reference.js';
import { jsonlLine } from './pipeline-streams.js';
import { tempDirs } from './temp-dirs.js';

/** Options of {@link landArrivals}. */
export interface LandOptions {
  /** Malformed lines to append to the file (they land in `raw_rejected`). Default 0. */
  readonly malformedLines?: number;
}

let fileCounter = 0;

/**
 * Lands `arrivals` (in arrival order) as one batch and checks the loader accepted every one of them
 * with the offsets they carry (so offsets must continue the landed ones: first batch from 1).
 * Returns the batch id.
 */
export async function landArrivals(
  warehouse: Warehouse,
  arrivals: readonly Arrival[],
  options: LandOptions = {},
): Promise<number> {
  const dirs = tempDirs();
  const dir = dirs.make('dw-semantics-load-');
  // One name for every batch: `_source` then names the stream, whatever the split into loads.
  const file = join(dir, 'stream.jsonl');
  fileCounter += 1;
  const malformed = Array.from(
    { length: options.malformedLines ?? 0 },
    (_, i) => `{"message_id": "broken-${fileCounter}-${i}"`,
  );
  writeFileSync(
    file,
    [...arrivals.map(jsonlLine), ...malformed].map((line) => `${line}\n`).join(''),
  );
  try {
    const result = await loadFile(warehouse, file);
    if (result.status !== 'landed')
      throw new Error(`the loader did not land ${file}: ${result.message}`);
    const expectedFirst = arrivals[0]?.offset ?? null;
    if (
      result.accepted !== arrivals.length ||
      result.rejected !== malformed.length ||
      result.firstOffset !== expectedFirst
    ) {
      throw new Error(
        `the loader landed ${result.accepted} (rejected ${result.rejected}) from offset ${result.firstOffset}; ` +
          `expected ${arrivals.length} (rejected ${malformed.length}) from offset ${expectedFirst}`,
      );
    }
    return result.batchId;
  } finally {
    dirs.removeAll();
  }
}

/** {@link landArrivals} into the warehouse file at `dbPath`, opened for the load and closed after it. */
export function landArrivalsIn(
  dbPath: string,
  arrivals: readonly Arrival[],
  options: LandOptions = {},
): Promise<number> {
  return withWarehouse(dbPath, {}, (warehouse) => landArrivals(warehouse, arrivals, options));
}

/** The landed messages of `raw_messages`, in arrival order, as the reference model's input. */
export async function readLandedArrivals(connection: DuckDBConnection): Promise<Arrival[]> {
  const reader = await connection.runAndReadAll(`
    select _offset::BIGINT::VARCHAR, message_id, sequence_id::VARCHAR, partition_id::VARCHAR,
        epoch_ms(created_at)::VARCHAR, transaction_id, event_type, round(amount * 100)::BIGINT::VARCHAR, currency,
        customer_id, payload::VARCHAR
    from raw_messages
    order by _offset`);
  return reader.getRows().map((row) => {
    const text = (i: number): string => String(row[i]);
    return {
      offset: Number(text(0)),
      messageId: text(1),
      sequenceId: Number(text(2)),
      partitionId: Number(text(3)),
      createdAtMs: Number(text(4)),
      transactionId: text(5),
      eventType: text(6),
      amountCents: Number(text(7)),
      currency: text(8),
      customerId: row[9] === null ? null : text(9),
      payload: text(10),
    };
  });
}

/**
 * Checks that the landed messages are the generated ones in the generated order (payload text
 * aside, which the loader minifies). Returns a description of the first difference, if any.
 */
export function landingDifference(
  generated: readonly Arrival[],
  landed: readonly Arrival[],
): string | undefined {
  if (generated.length !== landed.length)
    return `${landed.length} landed, ${generated.length} generated`;
  for (let i = 0; i < generated.length; i++) {
    const { payload: _g, ...g } = generated[i]!;
    const { payload: _l, ...l } = landed[i]!;
    const fields = Object.keys(g).sort();
    if (JSON.stringify(g, fields) !== JSON.stringify(l, fields))
      return `arrival ${i}: generated ${JSON.stringify(g)}, landed ${JSON.stringify(l)}`;
    if (JSON.stringify(JSON.parse(_g)) !== JSON.stringify(JSON.parse(_l)))
      return `arrival ${i}: payload ${_g} landed as ${_l}`;
  }
  return undefined;
}
