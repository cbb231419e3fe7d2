import { connect, headers } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { PUBLISHED_AT_HEADER } from '../../src/app/streaming/jetstream-source.js';
import { openWarehouse } from '../../src/base/warehouse/open-warehouse.js';
import { dumpWarehouseFile } from './pipeline-read.js';

/**
 * Publishes raw bodies, in order, to `stream` (created with subject `<stream>.in` if missing),
 * each with its publish time in the header `npm run publish` sets.
 */
export async function publishBodies(
  url: string,
  stream: string,
  bodies: readonly (string | Uint8Array)[],
): Promise<void> {
  const connection = await connect({ servers: url });
  try {
    const manager = await jetstreamManager(connection);
    const subject = `${stream.toLowerCase()}.in`;
    await manager.streams
      .info(stream)
      .catch(() => manager.streams.add({ name: stream, subjects: [subject] }));
    const js = jetstream(connection);
    for (const body of bodies) {
      const h = headers();
      h.set(PUBLISHED_AT_HEADER, String(Date.now()));
      await js.publish(subject, body, { headers: h });
    }
  } finally {
    await connection.close();
  }
}

/** Deletes one message from a stream, as a retention limit or an operator would. */
export async function deleteStreamMessage(url: string, stream: string, seq: number): Promise<void> {
  const connection = await connect({ servers: url });
  try {
    await (await jetstreamManager(connection)).streams.deleteMessage(stream, seq);
  } finally {
    await connection.close();
  }
}

/** Deletes a stream and makes it again, empty, under the same name. */
export async function recreateStream(url: string, stream: string): Promise<void> {
  const connection = await connect({ servers: url });
  try {
    const manager = await jetstreamManager(connection);
    await manager.streams.delete(stream);
    await manager.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.in`] });
  } finally {
    await connection.close();
  }
}

/** Rows of a query against a closed warehouse file, opened read-only for the query. */
export async function queryFile(dbPath: string, sql: string): Promise<Record<string, unknown>[]> {
  const warehouse = await openWarehouse(dbPath, { readOnly: true });
  try {
    return (await warehouse.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<
      string,
      unknown
    >[];
  } finally {
    warehouse.close();
  }
}

/** How each stream sequence landed: the sequences in order, and how many times each. */
export async function landedSequences(
  dbPath: string,
  stream: string,
): Promise<{ distinct: number; total: number; min: number; max: number }> {
  const [row] = await queryFile(
    dbPath,
    `select count(distinct stream_sequence) as d, count(*) as t, min(stream_sequence) as lo, max(stream_sequence) as hi
     from raw_stream_deliveries where stream = '${stream}'`,
  );
  return {
    distinct: Number(row!['d']),
    total: Number(row!['t']),
    min: Number(row!['lo']),
    max: Number(row!['hi']),
  };
}

/**
 * The relations that must not depend on how arrivals were cut into batches and builds, without the
 * load's own columns (`_batch_id`, `_loaded_at`) and the columns named in `exclude`.
 */
export function dumpBuilt(
  dbPath: string,
  relations: readonly string[],
  exclude: readonly string[] = [],
): Promise<Record<string, unknown[]>> {
  return dumpWarehouseFile(dbPath, relations, ['_batch_id', '_loaded_at', ...exclude]);
}
