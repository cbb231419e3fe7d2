// `npm run consume` against a real nats-server: each stream sequence lands exactly once, bad
// messages go to raw_rejected with their sequence, gaps and a re-made stream are refused, and the
// broker or the consumer dying (SIGKILL) loses nothing and doubles nothing.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messageLine } from './support/landing-messages.js';
import { runScript, startScript } from './support/run-script.js';
import { tempDirs } from './support/temp-dirs.js';
import { natsServerPerFile } from './support/nats-server.js';
import { copyPipelineProject } from './support/pipeline-build.js';
import { SPLIT_INVARIANT_RELATIONS } from './support/pipeline-read.js';
import {
  deleteStreamMessage,
  dumpBuilt,
  landedSequences,
  publishBodies,
  queryFile,
  recreateStream,
} from './support/stream-fixtures.js';

let streams = 0;

const server = natsServerPerFile();
const dirs = tempDirs();
afterEach(() => dirs.removeAll());
const landingTempDir = (): string => dirs.make('dw-stream-');

const NO_STACK = /\n\s+at /;

/** A stream name of this test's own. */
function newStream(): string {
  return `S${++streams}`;
}

function consumeArgs(stream: string, db: string, extra: readonly string[] = []): string[] {
  return [
    '--server',
    server().url,
    '--stream',
    stream,
    '--db',
    db,
    '--until-idle',
    '0.5',
    ...extra,
  ];
}

describe('npm run consume: exactly once per stream sequence', () => {
  it('lands the same transaction published 10 times as 10 Bronze rows and one current transaction', async () => {
    const stream = newStream();
    const line = messageLine({
      message_id: 'm-same',
      'payload.transaction_id': 't-same',
      'payload.amount': 12.5,
    });
    await publishBodies(
      server().url,
      stream,
      Array.from({ length: 10 }, () => line),
    );
    const project = copyPipelineProject(join(landingTempDir(), 'project'));
    const db = join(landingTempDir(), 'w.duckdb');
    const result = await runScript('consume', [
      ...consumeArgs(stream, db),
      '--project-dir',
      project,
    ]);
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/checkpoint at sequence 10$/m);
    expect(await landedSequences(db, stream)).toEqual({ distinct: 10, total: 10, min: 1, max: 10 });
    expect(await queryFile(db, 'select count(*)::INTEGER as n from bronze_events')).toEqual([
      { n: 10 },
    ]);
    expect(await queryFile(db, 'select count(*)::INTEGER as n from silver_events')).toEqual([
      { n: 1 },
    ]);
    expect(
      await queryFile(
        db,
        'select transaction_id, amount::VARCHAR as amount from silver_transactions',
      ),
    ).toEqual([{ transaction_id: 't-same', amount: '12.50' }]);
  });

  it('puts bad messages in raw_rejected once each, with the reason and the stream sequence, and lands every good one', async () => {
    const stream = newStream();
    await publishBodies(server().url, stream, [
      messageLine({ message_id: 'good-1' }),
      'not json',
      messageLine({ message_id: '' }),
      new Uint8Array([0xff, 0xfe, 0x7b]),
      '',
      messageLine({ message_id: 'good-2' }),
    ]);
    const db = join(landingTempDir(), 'w.duckdb');
    const result = await runScript('consume', [...consumeArgs(stream, db), '--no-build']);
    expect(result.code).toBe(0);
    expect(
      await queryFile(
        db,
        'select message_id, _source, _line::INTEGER as line from raw_messages order by _offset',
      ),
    ).toEqual([
      { message_id: 'good-1', _source: `nats:${stream}`, line: 1 },
      { message_id: 'good-2', _source: `nats:${stream}`, line: 6 },
    ]);
    const rejected = await queryFile(
      db,
      'select _line::INTEGER as line, reason from raw_rejected order by _line',
    );
    expect(rejected.map((r) => r['line'])).toEqual([2, 3, 4, 5]);
    expect(rejected[0]!['reason']).toBe('invalid JSON');
    expect(String(rejected[1]!['reason'])).toMatch(/^message_id/);
    expect(await landedSequences(db, stream)).toEqual({ distinct: 6, total: 6, min: 1, max: 6 });
    expect(
      await queryFile(
        db,
        'select kind, accepted::INTEGER as a, rejected::INTEGER as r from raw_loads',
      ),
    ).toEqual([{ kind: 'stream', a: 2, r: 4 }]);
  });

  it('carries on after the checkpoint on the next start, landing only what is new', async () => {
    const stream = newStream();
    await publishBodies(
      server().url,
      stream,
      [1, 2, 3].map((i) => messageLine({ message_id: `a${i}` })),
    );
    const db = join(landingTempDir(), 'w.duckdb');
    expect((await runScript('consume', [...consumeArgs(stream, db), '--no-build'])).code).toBe(0);
    await publishBodies(
      server().url,
      stream,
      [4, 5].map((i) => messageLine({ message_id: `a${i}` })),
    );
    const again = await runScript('consume', [...consumeArgs(stream, db), '--no-build']);
    expect(again.stdout).toMatch(/batch 2 {2}seq 4-5 {2}landed 2/);
    expect(await landedSequences(db, stream)).toEqual({ distinct: 5, total: 5, min: 1, max: 5 });
  });

  it('refuses a gap in the stream sequences, naming it, and lands nothing past it', async () => {
    const stream = newStream();
    await publishBodies(
      server().url,
      stream,
      [1, 2, 3, 4].map((i) => messageLine({ message_id: `g${i}` })),
    );
    await deleteStreamMessage(server().url, stream, 3);
    const db = join(landingTempDir(), 'w.duckdb');
    const result = await runScript('consume', [...consumeArgs(stream, db), '--no-build']);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(result.stderr).toMatch(/sequence 3 is missing from the stream/);
    expect(await landedSequences(db, stream)).toMatchObject({ distinct: 2, total: 2, max: 2 });
  });

  it('refuses a stream that was deleted and made again under the same name', async () => {
    const stream = newStream();
    await publishBodies(server().url, stream, [messageLine({ message_id: 'r1' })]);
    const db = join(landingTempDir(), 'w.duckdb');
    expect((await runScript('consume', [...consumeArgs(stream, db), '--no-build'])).code).toBe(0);
    await recreateStream(server().url, stream);
    await publishBodies(server().url, stream, [messageLine({ message_id: 'r2' })]);
    const result = await runScript('consume', [...consumeArgs(stream, db), '--no-build']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/was made again and its sequences start over/);
    expect(await landedSequences(db, stream)).toMatchObject({ total: 1 });
  });

  it('says clearly when the server cannot be reached or the stream does not exist (exit 2)', async () => {
    const db = join(landingTempDir(), 'w.duckdb');
    const missing = await runScript('consume', [
      ...consumeArgs('NO_SUCH_STREAM', db),
      '--no-build',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/stream NO_SUCH_STREAM does not exist/);
    const unreachable = await runScript('consume', [
      '--server',
      'nats://127.0.0.1:1',
      '--stream',
      'X',
      '--db',
      db,
      '--no-build',
      '--until-idle',
      '0.5',
    ]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/cannot reach the NATS server nats:\/\/127\.0\.0\.1:1/);
    expect(unreachable.stderr).not.toMatch(NO_STACK);
  });

  it('holds the warehouse with the --threads and --memory-limit given, and names a memory limit DuckDB refuses', async () => {
    const stream = newStream();
    await publishBodies(
      server().url,
      stream,
      Array.from({ length: 30 }, (_, i) => messageLine({ message_id: `m-${i}` })),
    );
    const db = join(landingTempDir(), 'w.duckdb');
    const refused = await runScript('consume', [
      ...consumeArgs(stream, db),
      ...['--no-build', '--memory-limit', 'lots'],
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/DuckDB refused the settings memory_limit = 'lots'/);
    expect(refused.stderr).not.toMatch(NO_STACK);

    // A batch smaller than the stream, so that batches are fetched while earlier ones land.
    const done = await runScript('consume', [
      ...consumeArgs(stream, db),
      ...['--no-build', '--batch', '7', '--threads', '1', '--memory-limit', '300MB'],
    ]);
    expect(done.stderr).not.toMatch(NO_STACK);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/5 batch\(es\), 30 landed/);
    expect(await landedSequences(db, stream)).toEqual({ distinct: 30, total: 30, min: 1, max: 30 });
  });
});

// Each of these runs the consumer, with its builds, a dozen times or more: minutes on a busy machine.
const KILL_TEST_TIMEOUT_MS = 600_000;

describe('npm run consume: killed and restarted', () => {
  const MESSAGES = 600;

  async function publishSample(stream: string): Promise<void> {
    const result = await runScript('publish', [
      '--server',
      server().url,
      '--stream',
      stream,
      '--subject',
      `${stream.toLowerCase()}.in`,
      '--messages',
      String(MESSAGES),
      '--seed',
      '11',
      '--retry-duplicates',
      '0.05',
      '--malformed-rate',
      '0.02',
    ]);
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(result.code).toBe(0);
  }

  /** Small batches and a build every 200 messages, so that a run holds many of both. */
  const microBatches = (project: string): string[] => [
    '--batch',
    '50',
    '--build-after',
    '200',
    '--project-dir',
    project,
  ];

  /** Every stream sequence landed once, and the built relations equal the uninterrupted run's. */
  async function expectSameAs(reference: string, db: string, stream: string): Promise<void> {
    const expected = await landedSequences(reference, stream);
    expect(await landedSequences(db, stream)).toEqual(expected);
    expect(expected.distinct).toBe(expected.max);
    expect(await dumpBuilt(db, SPLIT_INVARIANT_RELATIONS)).toEqual(
      await dumpBuilt(reference, SPLIT_INVARIANT_RELATIONS),
    );
    const failed = await queryFile(
      db,
      'select check_name from audit_reconciliation where not passed',
    );
    expect(failed).toEqual([]);
  }

  /** Consumes to the end without interruption, with micro-batch builds. */
  async function uninterrupted(stream: string, project: string): Promise<string> {
    const db = join(landingTempDir(), 'reference.duckdb');
    const args = [...consumeArgs(stream, db), '--durable', 'reference', ...microBatches(project)];
    expect((await runScript('consume', args)).code).toBe(0);
    return db;
  }

  it(
    'loses and doubles nothing when SIGKILLed at many points, between commit and ack and during builds included',
    async () => {
      const stream = newStream();
      await publishSample(stream);
      const project = copyPipelineProject(join(landingTempDir(), 'project'));
      const reference = await uninterrupted(stream, project);
      const db = join(landingTempDir(), 'killed.duckdb');
      const args = [...consumeArgs(stream, db), ...microBatches(project)];
      const points = [
        'fetched:1',
        'staged:1',
        'committed:1',
        'acked:1',
        'committed:2',
        'staged:3',
        'fetched:2',
        'committed:3',
        'acked:2',
        'staged:2',
      ];
      let kills = 0;
      for (const point of points) {
        const result = await runScript('consume', args, { env: { DW_CRASH_AT: point } });
        if (result.signal === 'SIGKILL') kills++;
      }
      // Mid-build: kill as soon as a build says it started.
      for (let attempt = 0; attempt < 3; attempt++) {
        const { child, done } = startScript('consume', args);
        child.stderr!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('building'))
            setTimeout(() => child.kill('SIGKILL'), 20 + attempt * 60);
        });
        if ((await done).signal === 'SIGKILL') kills++;
      }
      expect(kills).toBeGreaterThanOrEqual(10);
      const last = await runScript('consume', args);
      expect(last.code).toBe(0);
      await expectSameAs(reference, db, stream);
    },
    KILL_TEST_TIMEOUT_MS,
  );

  it(
    'waits for a broker killed and restarted mid-stream, then lands the rest exactly once',
    async () => {
      const stream = newStream();
      await publishSample(stream);
      const project = copyPipelineProject(join(landingTempDir(), 'project'));
      const reference = await uninterrupted(stream, project);
      const db = join(landingTempDir(), 'restarted.duckdb');
      const args = [...consumeArgs(stream, db), '--until-idle', '2', ...microBatches(project)];
      const { child, done } = startScript('consume', args);
      let restarted: Promise<void> | undefined;
      child.stdout!.on('data', (chunk: Buffer) => {
        if (!restarted && /^batch 3 /m.test(chunk.toString())) restarted = server().restart();
      });
      const result = await done;
      await restarted;
      expect(result.code).toBe(0);
      expect(restarted).toBeDefined();
      await expectSameAs(reference, db, stream);
    },
    KILL_TEST_TIMEOUT_MS,
  );
});
