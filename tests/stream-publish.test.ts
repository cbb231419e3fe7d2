// `npm run publish` against a real nats-server: its summary line (messages, retried copies, rate,
// the sequences taken and what the stream holds), no progress redraws off a terminal, and the
// progress bar drawn through the console module on one.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect } from 'vitest';
import { formatPublishSummary } from '../src/app/streaming/format-publish-summary.js';
import { progressBar } from '../src/base/console/progress-bar.js';
import { it } from './support/fixtures.js';
import { natsServerPerFile } from './support/nats-server.js';

const server = natsServerPerFile();

// Each publish is a child process: seconds on a busy machine.
const TIMEOUT_MS = 120_000;

const SUMMARY =
  /^published ([\d,]+) message\(s\) to (\w+) in [\d.]+ s \(([\d,]+) msg\/s\): sequences ([\d,]+) to ([\d,]+); ([\d,]+) retried copies, ([\d,]+) dropped by the dedup window; the stream holds sequences ([\d,]+) to ([\d,]+)$/m;

interface PrintedSummary {
  readonly published: number;
  readonly rate: number;
  readonly first: number;
  readonly last: number;
  readonly retried: number;
  readonly deduplicated: number;
  readonly streamFirst: number;
  readonly streamLast: number;
}

/** The summary's numbers, by name. */
function summaryOf(stdout: string): PrintedSummary {
  const m = SUMMARY.exec(stdout);
  expect(m, stdout).not.toBeNull();
  const n = (i: number): number => Number(m![i]!.replaceAll(',', ''));
  return {
    published: n(1),
    rate: n(3),
    first: n(4),
    last: n(5),
    retried: n(6),
    deduplicated: n(7),
    streamFirst: n(8),
    streamLast: n(9),
  };
}

async function streamMessages(stream: string): Promise<number> {
  const connection = await connect({ servers: server().url });
  try {
    return (await (await jetstreamManager(connection)).streams.info(stream)).state.messages;
  } finally {
    await connection.close();
  }
}

describe('npm run publish', () => {
  it(
    'ends with a summary of what it published and where, and draws no bar off a terminal',
    async ({ runScript }) => {
      const publish = (extra: string[]) =>
        runScript('publish', ['--server', server().url, '--stream', 'PUB', ...extra]);
      const first = await publish([
        '--messages',
        '300',
        '--seed',
        '3',
        '--retry-duplicates',
        '0.1',
      ]);
      expect(first.code).toBe(0);
      expect(first.stderr).toBe('');
      const a = summaryOf(first.stdout);
      expect(a.retried).toBeGreaterThan(0);
      expect(a).toMatchObject({
        published: 300 + a.retried,
        deduplicated: 0,
        first: 1,
        last: 300 + a.retried,
        streamFirst: 1,
        streamLast: 300 + a.retried,
      });
      expect(a.rate).toBeGreaterThan(0);

      const second = await publish(['--messages', '50', '--seed', '4']);
      expect(second.code).toBe(0);
      const b = summaryOf(second.stdout);
      expect(b).toMatchObject({
        published: 50,
        retried: 0,
        first: a.last + 1,
        last: a.last + 50,
        streamFirst: 1,
        streamLast: a.last + 50,
      });
      expect(await streamMessages('PUB')).toBe(a.published + 50);
    },
    TIMEOUT_MS,
  );

  it(
    "counts the retried copies JetStream's dedup window dropped with --msg-id",
    async ({ runScript }) => {
      const result = await runScript('publish', [
        ...['--server', server().url, '--stream', 'DEDUP', '--messages', '200', '--seed', '5'],
        ...['--retry-duplicates', '0.2', '--msg-id'],
      ]);
      expect(result.code).toBe(0);
      const s = summaryOf(result.stdout);
      expect(s.retried).toBeGreaterThan(0);
      expect(s).toMatchObject({ published: 200, deduplicated: s.retried, first: 1, last: 200 });
      expect(await streamMessages('DEDUP')).toBe(200);
    },
    TIMEOUT_MS,
  );

  it('says so when nothing was published', () => {
    const line = formatPublishSummary('EMPTY', {
      published: 0,
      retried: 0,
      deduplicated: 0,
      firstSequence: 0,
      lastSequence: 0,
      stream: { firstSequence: 0, lastSequence: 0 },
      truth: {} as never,
      seconds: 0,
    });
    expect(line).toBe(
      'published 0 message(s) to EMPTY in 0.0 s: no new sequences; 0 retried copies, 0 dropped by the dedup window; the stream holds sequences 0 to 0',
    );
  });
});

describe('the progress bar', () => {
  it('draws through the console module on a terminal, up to the total', ({ output }) => {
    const bar = progressBar('publish', { interactive: true });
    expect(bar.listener).toBeDefined();
    bar.listener!(4, 10);
    bar.listener!(10, 10);
    bar.stop();
    expect(output.err).toMatch(/publish \[.*\] 100% 10\/10 messages/);
    expect(output.out).toBe('');
  });

  it('draws nothing off a terminal', ({ output }) => {
    const bar = progressBar('publish', { interactive: false });
    expect(bar.listener).toBeUndefined();
    bar.stop();
    expect(output.err).toBe('');
  });
});
