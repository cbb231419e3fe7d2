import { hash } from 'node:crypto';
import { BIGINT, DuckDBDataChunk, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { openWarehouse } from '../../src/base/warehouse/open-warehouse.js';
import { countRows } from './count-rows.js';
import type { Job } from './job.js';

/**
 * Eager dedup, the lab's pattern 1, in TypeScript: stream the landed messages' keys in arrival
 * order in DuckDB chunks, compute each composite hash with node:crypto (SHA-256 of
 * `message_id|sequence_id|partition_id`, lower-case hex), keep the first copy of each hash in a Set,
 * append the survivors' (`_offset`, `composite_hash`) with an Appender, and insert their full rows
 * into `bench_eager_events`. The decision is made row by row in TypeScript; the wide rows are
 * written by DuckDB (appending every wide value through the Appender from JavaScript is far slower).
 * The key text is concatenated by DuckDB, so one string per row crosses into JavaScript instead of
 * three values; the survivors are written in the join's order (no sort of the wide rows: the
 * table's row order is not part of what eager dedup decides). No watermark: every key is kept
 * once, late or not. The survivors' (`_offset`, `composite_hash`) list is a temporary table of the
 * appending connection: scratch state that never reaches the warehouse file, so its creation, the
 * Appender's flush and its drop write no WAL and wait for no fsync; the only durable write is
 * `bench_eager_events`.
 */
export const eagerJob: Job = {
  name: 'eager',
  async run(context, timer) {
    const warehouse = await openWarehouse(context.dbPath, context.settings);
    try {
      const { connection } = warehouse;
      const recordsIn = await countRows(connection, 'raw_messages');
      // A second connection for the Appender: flushing it on the streaming connection would end the
      // stream. The survivors' temporary table belongs to this connection (temporary tables are
      // visible to their own connection only), so the final join runs on it too.
      const appendConnection = await warehouse.instance.connect();
      try {
        await timer.time(() => eagerDedup(connection, appendConnection));
      } finally {
        appendConnection.closeSync();
      }
      const recordsOut = await countRows(connection, 'bench_eager_events');
      return { recordsIn, recordsOut };
    } finally {
      warehouse.close();
    }
  },
};

async function eagerDedup(
  connection: DuckDBConnection,
  appendConnection: DuckDBConnection,
): Promise<void> {
  await appendConnection.run(
    'create or replace temp table bench_eager_keep (_offset bigint, composite_hash varchar)',
  );
  const appender = await appendConnection.createAppender('bench_eager_keep', 'main', 'temp');
  const seen = new Set<string>();
  const stream = await connection.stream(
    `select message_id || '|' || sequence_id || '|' || partition_id as key_text, _offset
    from raw_messages
    order by _offset`,
  );
  for (;;) {
    const chunk = await stream.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const [keyTexts, offsets] = chunk.getColumns();
    const keptOffsets: bigint[] = [];
    const keptHashes: string[] = [];
    for (let row = 0; row < chunk.rowCount; row++) {
      const compositeHash = hash('sha256', keyTexts![row] as string);
      if (seen.has(compositeHash)) continue;
      seen.add(compositeHash);
      keptOffsets.push(offsets![row] as bigint);
      keptHashes.push(compositeHash);
    }
    if (keptOffsets.length === 0) continue;
    const kept = DuckDBDataChunk.create([BIGINT, VARCHAR], keptOffsets.length);
    kept.setColumns([keptOffsets, keptHashes]);
    appender.appendDataChunk(kept);
  }
  appender.closeSync();
  await appendConnection.run(
    `create or replace table bench_eager_events as
    select raw.*, kept.composite_hash
    from raw_messages as raw
    join temp.main.bench_eager_keep as kept using (_offset)`,
  );
  await appendConnection.run('drop table temp.main.bench_eager_keep');
}
