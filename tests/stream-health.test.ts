// `npm run health` per stream and consumer against a real nats-server: the figures are the ones the
// consumer printed per micro-batch, the lag is the one of the last batch (0 once drained, the
// backlog when the consumer stopped early), and a warehouse without stream tables has no section.
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { createWarehouseKysely } from '../src/app/explore/kysely/create-warehouse-kysely.js';
import { loadStreamHealth, type StreamHealth } from '../src/app/explore/health/stream-health.js';
import { runHealthCommand } from '../src/app/explore/health/run-health.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { it } from './support/fixtures.js';
import { messageLine } from './support/landing-messages.js';
import { natsServerPerFile } from './support/nats-server.js';
import { copyPipelineProject } from './support/pipeline-build.js';
import { publishBodies, queryFile } from './support/stream-fixtures.js';

const server = natsServerPerFile();

// Several consumer runs and a build of the pipeline: minutes on a busy machine.
const TIMEOUT_MS = 300_000;

/** The figures of the consumer's per-batch lines (`batch 3  seq 41-60  landed 20 …  lag 0`). */
function printedBatches(
  stdout: string,
): { landed: number; rejected: number; skipped: number; lag: string }[] {
  const number = (s: string): number => Number(s.replaceAll(',', ''));
  return [
    ...stdout.matchAll(
      /^batch \d+ {2}seq \d+-\d+ {2}landed ([\d,]+) {2}rejected ([\d,]+) {2}skipped ([\d,]+) {2}lag (\S+)/gm,
    ),
  ].map((m) => ({
    landed: number(m[1]!),
    rejected: number(m[2]!),
    skipped: number(m[3]!),
    lag: m[4]!,
  }));
}

async function streamHealth(db: string): Promise<readonly StreamHealth[]> {
  const kysely = createWarehouseKysely({ path: db });
  try {
    return await loadStreamHealth(kysely);
  } finally {
    await kysely.destroy();
  }
}

const lines = (n: number, tag: string): string[] =>
  Array.from({ length: n }, (_, i) => messageLine({ message_id: `${tag}-${i}`, sequence_id: i }));

function expectOrderedLatency(latency: StreamHealth['latencyLastBatch']): void {
  expect(latency).not.toBeNull();
  expect(latency!.p50).toBeGreaterThanOrEqual(0);
  expect(latency!.p50).toBeLessThanOrEqual(latency!.p95);
  expect(latency!.p95).toBeLessThanOrEqual(latency!.p99);
}

describe('npm run health: per-stream figures', () => {
  it(
    'shows what the consumer landed, batch by batch, with lag 0 once drained',
    async ({ tempDir, runScript }) => {
      const stream = 'HEALTHY';
      const bodies = [...lines(40, 'a'), 'not json', ...lines(30, 'b'), '{"message_id": 1}', '[]'];
      await publishBodies(server().url, stream, bodies);
      const project = copyPipelineProject(join(tempDir('dw-health-'), 'project'));
      const db = join(tempDir('dw-health-'), 'w.duckdb');
      const consumed = await runScript('consume', [
        ...['--server', server().url, '--stream', stream, '--db', db, '--until-idle', '0.5'],
        ...['--batch', '15', '--build-after', '1000000', '--project-dir', project],
      ]);
      expect(consumed.code).toBe(0);
      const printed = printedBatches(consumed.stdout);
      expect(printed.length).toBeGreaterThanOrEqual(5);

      const health = await runScript('health', ['--db', db, '--json']);
      expect(health.stderr).toBe('');
      const { streams } = JSON.parse(health.stdout) as { streams: Record<string, unknown>[] };
      expect(streams).toHaveLength(1);
      const figures = streams[0]!;
      expect(figures).toMatchObject({
        stream,
        consumer: 'warehouse',
        checkpoint: bodies.length,
        batches: printed.length,
        landed: 70,
        rejected: 3,
        skipped: printed.reduce((sum, b) => sum + b.skipped, 0),
        lag: 0,
      });
      expect(printed.reduce((sum, b) => sum + b.landed, 0)).toBe(70);
      expect(printed.reduce((sum, b) => sum + b.rejected, 0)).toBe(3);
      expect(printed.at(-1)!.lag).toBe('0');
      const parsed = (await streamHealth(db))[0]!;
      expectOrderedLatency(parsed.latencyLastBatch);
      expectOrderedLatency(parsed.latencyLastHour);
      expect(parsed.latencyLastHour!.p99).toBeGreaterThanOrEqual(parsed.latencyLastBatch!.p50);
      const [landedAt] = await queryFile(
        db,
        'select epoch_ms(updated_at) as ms from raw_stream_checkpoints',
      );
      expect(figures['lastLandedAt']).toBe(new Date(Number(landedAt!['ms'])).toISOString());

      const readable = await runScript('health', ['--db', db]);
      expect(readable.code).toBe(0);
      expect(readable.stdout).toMatch(/^ {2}HEALTHY \(consumer warehouse\)$/m);
      expect(readable.stdout).toMatch(/^ {4}checkpoint +sequence 73$/m);
      expect(readable.stdout).toMatch(/^ {4}landed +70$/m);
      expect(readable.stdout).toMatch(/^ {4}rejected +3$/m);
      expect(readable.stdout).toMatch(/^ {4}lag \(last batch\) +0$/m);
      expect(readable.stdout).toMatch(
        /^ {4}latency, last batch +p50 [\d,]+ ms {2}p95 [\d,]+ ms {2}p99 [\d,]+ ms$/m,
      );
    },
    TIMEOUT_MS,
  );

  it(
    'keeps the lag of the last batch when the consumer stopped early, and counts again on a warehouse made before the batch table',
    async ({ tempDir, runScript }) => {
      const stream = 'BEHIND';
      await publishBodies(server().url, stream, lines(60, 'c'));
      const db = join(tempDir('dw-health-'), 'w.duckdb');
      const args = ['--server', server().url, '--stream', stream, '--db', db, '--no-build'];
      // The consumer dies right after acknowledging its third batch (of up to 5): behind the stream.
      const stopped = await runScript('consume', [...args, '--batch', '5'], {
        env: { DW_CRASH_AT: 'acked:3' },
      });
      expect(stopped.signal).toBe('SIGKILL');
      // Published after the consumer stopped: the lag is the one it had, not the stream's today.
      await publishBodies(server().url, stream, lines(10, 'd'));
      const [behind] = await streamHealth(db);
      expect(behind).toMatchObject({ stream, batches: 3, rejected: 0 });
      const checkpoint = behind!.checkpoint;
      expect(checkpoint).toBeGreaterThanOrEqual(3);
      expect(checkpoint).toBeLessThanOrEqual(15);
      expect(behind!.landed).toBe(checkpoint);
      expect(behind!.lag).toBe(60 - checkpoint);
      expectOrderedLatency(behind!.latencyLastBatch);

      // A warehouse whose consumer ran before raw_stream_batches existed: the checkpoint shows,
      // the batch figures are unknown, until the next run adds the table and counts its batches.
      await withWarehouse(db, {}, async ({ connection }) => {
        await connection.run('drop table raw_stream_batches');
      });
      const [old] = await streamHealth(db);
      expect(old).toMatchObject({ checkpoint, batches: 0, landed: 0, lag: null });
      expect(old!.latencyLastBatch).toBeNull();
      const drained = await runScript('consume', [...args, '--until-idle', '0.5']);
      expect(drained.code).toBe(0);
      const [after] = await streamHealth(db);
      expect(after).toMatchObject({ checkpoint: 70, landed: 70 - checkpoint, lag: 0 });
      expect(after!.batches).toBe(printedBatches(drained.stdout).length);

      // Messages of a recorded batch landed over an hour before the last landing, ten days after
      // their publish, are outside the last hour's latency.
      await withWarehouse(db, {}, async ({ connection }) => {
        await connection.run(`update raw_stream_deliveries
          set published_at = published_at - interval 10 days, landed_at = landed_at - interval 2 hours
          where stream_sequence between ${checkpoint + 1} and ${checkpoint + 3}`);
      });
      const [windowed] = await streamHealth(db);
      expectOrderedLatency(windowed!.latencyLastHour);
      expect(windowed!.latencyLastHour!.p99).toBeLessThan(86_400_000);
    },
    TIMEOUT_MS,
  );

  it('has no stream section when nothing was consumed from a stream', async ({
    tempDir,
    output,
  }) => {
    const db = join(tempDir('dw-health-'), 'w.duckdb');
    await withWarehouse(db, {}, async ({ connection }) => {
      await connection.run(`create table audit_health as select 'total_messages' as metric,
        1 as metric_order, 3::double as value, null::double as threshold, 'ok' as status`);
      await connection.run(`create table audit_reconciliation as select 'uniq' as check_name,
        3::bigint as expected, 3::bigint as actual, true as passed`);
    });
    expect(await runHealthCommand({ dbPath: db })).toBe(0);
    expect(output.out).toContain('all 1 reconciliation checks passed');
    expect(output.out).not.toContain('Streams');
    output.out = '';
    expect(await runHealthCommand({ dbPath: db, json: true })).toBe(0);
    expect(JSON.parse(output.out)).toMatchObject({ streams: [] });
  });
});
