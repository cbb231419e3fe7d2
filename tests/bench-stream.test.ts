// `npm run bench:stream` in its quickest mode, through a real nats-server, publisher and consumer:
// the shape of stream.json and the consistency of its counts, never a timing. Also the consumer
// line parser against the consumer's own line format, and the README table written from the JSON.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { parseConsumerLog, parsePublishSummary } from '../bench/lib/consumer-log.js';
import type { StreamBenchResult } from '../bench/lib/stream-result.js';
import { REPO_ROOT } from '../bench/lib/run-bench.js';
import { STREAM_END, STREAM_START } from '../bench/report/stream-markdown.js';
import { GENERATED_END, GENERATED_START } from '../bench/report/bench-markdown.js';
import { formatBatchLine } from '../src/app/streaming/batch-report.js';
import { formatPublishSummary } from '../src/app/streaming/format-publish-summary.js';
import type { PublishSummary } from '../src/app/streaming/publish-simulation.js';
import { it } from './support/fixtures.js';
import { tempDirs } from './support/temp-dirs.js';

function run(
  file: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', WAREHOUSE_PATH: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('parseConsumerLog', () => {
  const line = (at: number, text: string) => ({ at, stream: 'stdout' as const, text });

  it("reads the consumer's batch lines and gives each build the batches before it", () => {
    const batch = (batchId: number, first: number, last: number, accepted: number) =>
      formatBatchLine({
        batchId,
        accepted,
        rejected: last - first + 1 - accepted,
        skipped: 0,
        firstPosition: first,
        lastPosition: last,
        lag: 0,
        latency: { p50: 5, p99: 9 },
      });
    const parsed = parseConsumerLog([
      line(1, batch(1, 1, 1500, 1499)),
      line(2, 'build  1,500 new message(s)  0.52 s'),
      line(3, batch(2, 1501, 3000, 1500)),
      line(4, batch(3, 3001, 3100, 100)),
      { at: 5, stream: 'stderr', text: 'building 1,600 new message(s)...' },
      line(6, 'build  1,600 new message(s)  1.25 s  bronze and silver only'),
    ]);
    expect(parsed.batches.map((b) => [b.first, b.last, b.landed, b.rejected])).toEqual([
      [1, 1500, 1499, 1],
      [1501, 3000, 1500, 0],
      [3001, 3100, 100, 0],
    ]);
    expect(parsed.builds).toEqual([
      { at: 2, newMessages: 1500, seconds: 0.52, covers: 1500, historyRows: 1499 },
      { at: 6, newMessages: 1600, seconds: 1.25, covers: 3100, historyRows: 3099 },
    ]);
  });

  it("reads the publisher's summary line: this run's count, seconds and sequences", () => {
    const summary = {
      published: 12_345,
      retried: 45,
      deduplicated: 0,
      firstSequence: 1_001,
      lastSequence: 13_345,
      stream: { firstSequence: 1, lastSequence: 13_345 },
      seconds: 2.5,
    } as PublishSummary;
    expect(parsePublishSummary([line(1, formatPublishSummary('EVENTS', summary))])).toEqual({
      published: 12_345,
      seconds: 2.5,
      firstSequence: 1_001,
      lastSequence: 13_345,
    });
    expect(parsePublishSummary([line(1, 'publishing 12,345 message(s)...')])).toBeNull();
  });
});

describe('npm run bench:stream refusals', () => {
  it('refuses a malformed step list before starting anything', async () => {
    const done = await run('bench/stream.ts', ['--steps', '5k,10000']);
    expect(done.code).toBe(2);
    expect(done.stderr).toContain("option '--steps <rates>' argument '5k,10000' is invalid");
    expect(done.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a nats-server it cannot start, without a stack, and leaves no temporary folder', async ({
    tempDir,
  }) => {
    const tmp = tempDir('bench-stream-tmp-');
    const done = await run('bench/stream.ts', ['--seconds', '1'], {
      NATS_SERVER: join(tmp, 'no-such-nats-server'),
      TMPDIR: tmp,
    });
    expect(done.code).toBe(1);
    expect(done.stderr).toContain(`could not start ${join(tmp, 'no-such-nats-server')}`);
    expect(done.stderr).not.toMatch(/\n\s+at /);
    // tsx keeps its compile cache there (tsx-0); nothing of the benchmark's own is left.
    expect(readdirSync(tmp).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
  });
});

describe('npm run bench:stream, quickest mode', () => {
  const dirs = tempDirs();
  let results: string;
  let done: { code: number | null; stdout: string; stderr: string };
  let written: StreamBenchResult;

  beforeAll(async () => {
    results = join(dirs.make('bench-stream-'), 'results');
    done = await run('bench/stream.ts', [
      ...['--rate', '200', '--seconds', '4', '--drain', '1500', '--steps', '200'],
      ...['--step-seconds', '3', '--threads', '1', '--results-dir', results],
    ]);
    if (done.code === 0)
      written = JSON.parse(readFileSync(join(results, 'stream.json'), 'utf8')) as StreamBenchResult;
  }, 600_000);
  afterAll(() => dirs.removeAll());

  it('exits 0 and prints a PASS or MISS line per target', () => {
    expect(done.code, done.stderr).toBe(0);
    const verdicts = done.stdout.split('\n').filter((l) => /^(PASS|MISS) {2}/.test(l));
    expect(verdicts).toHaveLength(5);
    expect(written.targets.map((t) => t.id)).toEqual([
      'sustained',
      'p99',
      'rss',
      'drain',
      'highest-rate',
    ]);
    // Far below the targets' rate and time: the sustained target cannot pass.
    expect(written.targets[0]!.passed).toBe(false);
  });

  it('names the machine and the run as quick', () => {
    expect(written.mode).toBe('quick');
    expect(written.machine.cpus).toBeGreaterThan(0);
    expect(written.machine.duckdb).toMatch(/^v\d+\.\d+\.\d+/);
    expect(written.settings).toMatchObject({ rate: 200, seconds: 4, drain: 1500, steps: [200] });
  });

  it('lands every published message exactly once and builds all of it', () => {
    const s = written.sustained;
    // 800 publishes asked for: round(800 / 1.01) simulated messages, plus the retried copies.
    expect(s.published).toBeGreaterThanOrEqual(792);
    expect(s.deliveries).toBe(s.published);
    expect(s.distinctSequences).toBe(s.published);
    expect(s.landed + s.rejected).toBe(s.published);
    expect(s.unbuilt).toBe(0);
    expect(s.throughputPerSecond).toBeGreaterThan(0);
    expect(s.builds.length).toBeGreaterThanOrEqual(1);
    expect(s.builds.at(-1)!.historyRows).toBe(s.landed);
  });

  it('orders every latency p50 ≤ p95 ≤ p99 ≤ max, over the messages that reached each table', () => {
    const { landed, silverEvents, silverTransactions } = written.sustained.latencyMs;
    for (const p of [landed, silverEvents, silverTransactions]) {
      expect(p).not.toBeNull();
      expect(p!.p50).toBeLessThanOrEqual(p!.p95);
      expect(p!.p95).toBeLessThanOrEqual(p!.p99);
      expect(p!.p99).toBeLessThanOrEqual(p!.max);
    }
    // Silver drops the redelivered copies, so fewer messages reach it than landed.
    expect(landed!.count).toBe(written.sustained.deliveries);
    expect(silverEvents!.count).toBeLessThan(landed!.count);
    expect(silverTransactions!.count).toBeLessThanOrEqual(silverEvents!.count);
    expect(written.sustained.timeline.length).toBeGreaterThan(0);
  });

  it('samples the consumer RSS, drains the whole backlog and runs the step', () => {
    const s = written.sustained;
    expect(s.rss.length).toBeGreaterThanOrEqual(2);
    for (const sample of s.rss) expect(sample.bytes).toBeGreaterThan(20 * 1024 ** 2);
    expect(s.rssAfterWarmup).not.toBeNull();
    expect(written.drain!.messages).toBe(1500);
    expect(written.drain!.msgPerSecond).toBeGreaterThan(0);
    expect(written.steps.map((step) => step.rate)).toEqual([200]);
    const svg = readFileSync(join(results, 'stream.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Consumer RSS (MB)');
  });

  it('writes the README table from stream.json between its markers, keeping the rest', async () => {
    const out = join(dirs.make('bench-stream-docs-'), 'README.md');
    mkdirSync(results, { recursive: true });
    writeFileSync(
      out,
      `# by hand\n${GENERATED_START}\nold\n${GENERATED_END}\n\n${STREAM_START}\nstale\n${STREAM_END}\ntail by hand\n`,
    );
    const docs = await run('bench/write-docs.ts', ['--results-dir', results, '--out', out]);
    expect(docs.code, docs.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const section = text.slice(text.indexOf(STREAM_START), text.indexOf(STREAM_END));
    expect(section).not.toContain('stale');
    expect(section).toContain('**quick run**, 200 msg/s for 4 s');
    expect(section).toContain('| latency from publish to | p50 | p95 | p99 | max | messages |');
    expect(section).toContain('| p99 publish → silver_transactions ≤ 5 s |');
    expect(text.endsWith(`${STREAM_END}\ntail by hand\n`)).toBe(true);
  });
});
