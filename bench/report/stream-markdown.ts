import { describeMachine } from '../lib/machine-info.js';
import { median } from '../lib/median.js';
import type { Percentiles } from '../lib/stream-latency.js';
import type { StreamBenchResult, SustainedResult } from '../lib/stream-result.js';
import { formatBytes, formatCount } from './format.js';

/** Markers around the generated streaming table in README.md's streaming section. */
export const STREAM_START = '<!-- bench:stream:start (npx tsx bench/write-docs.ts) -->';
export const STREAM_END = '<!-- bench:stream:end -->';

const HISTORY_BUCKETS = 4;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const perSecond = (value: number): string => `${formatCount(value)} msg/s`;

function latencyRow(label: string, p: Percentiles | null): string {
  if (!p) return `| ${label} | n/a | n/a | n/a | n/a | 0 |`;
  return `| ${label} | ${seconds(p.p50)} | ${seconds(p.p95)} | ${seconds(p.p99)} | ${seconds(p.max)} | ${formatCount(p.count)} |`;
}

/** Build seconds by size of history: the builds cut into up to four ranges of rows landed before them. */
function buildRows(builds: SustainedResult['builds']): string[] {
  const real = builds.filter((b) => b.newMessages > 0);
  if (real.length === 0) return ['| no micro-batch build with new messages | | | |'];
  const size = Math.ceil(real.length / HISTORY_BUCKETS);
  const rows: string[] = [];
  for (let i = 0; i < real.length; i += size) {
    const part = real.slice(i, i + size);
    rows.push(
      `| ${formatCount(part[0]!.historyRows)}–${formatCount(part.at(-1)!.historyRows)} rows | ${part.length} | ${formatCount(median(part.map((b) => b.newMessages)))} | ${median(part.map((b) => b.seconds)).toFixed(2)} s (max ${Math.max(...part.map((b) => b.seconds)).toFixed(2)} s) |`,
    );
  }
  return rows;
}

/**
 * The streaming benchmark's numbers as Markdown: the run, throughput, latency percentiles, RSS,
 * build seconds against history, the drain, the step search and every target's verdict. The same
 * text is printed by `npm run bench:stream` and written into README.md by `bench/write-docs.ts`.
 */
export function renderStreamSummary(result: StreamBenchResult): string {
  const s = result.sustained;
  const rss = s.rssAfterWarmup;
  const settings = result.settings;
  const out: string[] = [
    `Measured on ${describeMachine(result.machine)} (${result.machine.cpuModel}, ${result.machine.platform}), ` +
      `${result.date.slice(0, 16).replace('T', ' ')} UTC: **${result.mode} run**, ${perSecond(settings.rate)} for ${settings.seconds} s, ` +
      `a build every ${settings.buildEvery} s, batches of ${formatCount(settings.batch)}, ${settings.retryDuplicates * 100}% retried publishes, seed ${settings.seed}. ` +
      `Broker, publisher and consumer share the machine; its 1-minute load average was ${result.loadAverage.start.toFixed(1)} at the start and ${result.loadAverage.end.toFixed(1)} at the end.`,
    '',
    '![stream latency and memory](bench/results/stream.svg)',
    '',
    '| sustained run | measured |',
    '|---|---|',
    `| published | ${formatCount(s.published)} messages in ${s.publishSeconds.toFixed(1)} s: ${perSecond(s.publishedPerSecond)} |`,
    `| landed | ${formatCount(s.deliveries)} stream messages (${formatCount(s.distinctSequences)} distinct sequences): ${formatCount(s.landed)} rows, ${formatCount(s.rejected)} rejected |`,
    `| first publish → last message in silver_transactions | ${perSecond(s.throughputPerSecond)}${s.unbuilt > 0 ? `, ${formatCount(s.unbuilt)} never built` : ''} |`,
    `| consumer RSS after ${rss ? `${rss.warmupSeconds} s` : 'the warm-up'} | ${rss ? `${formatBytes(rss.minBytes)}–${formatBytes(rss.maxBytes)} (${formatBytes(rss.referenceBytes)} at the end of the warm-up)` : 'no sample'} |`,
    '',
    '| latency from publish to | p50 | p95 | p99 | max | messages |',
    '|---|---|---|---|---|---|',
    latencyRow('its batch committed (Bronze landing)', s.latencyMs.landed),
    latencyRow('silver_events (end of the build)', s.latencyMs.silverEvents),
    latencyRow('silver_transactions (end of the build)', s.latencyMs.silverTransactions),
    '',
    '| history before the build | builds | new messages (median) | build seconds (median) |',
    '|---|---|---|---|',
    ...buildRows(s.builds),
    '',
  ];
  if (result.drain) {
    out.push(
      `Backlog drain (\`--no-build\`): ${formatCount(result.drain.messages)} messages in ${result.drain.seconds.toFixed(1)} s once the consumer was bound to the stream, ${perSecond(result.drain.msgPerSecond)} (${perSecond(result.drain.steadyMsgPerSecond)} from its first batch on).`,
      '',
    );
  }
  if (result.steps.length > 0) {
    out.push('| step rate | published | p99 → silver_transactions | kept |', '|---|---|---|---|');
    for (const step of result.steps)
      out.push(
        `| ${perSecond(step.rate)} for ${step.seconds} s | ${perSecond(step.publishedPerSecond)} | ${step.p99Ms === null ? 'n/a' : seconds(step.p99Ms)} | ${step.passed ? 'yes' : 'no'} |`,
      );
    out.push(
      '',
      `Highest rate with p99 ≤ 5 s: ${result.highestRate === null ? 'none of the steps' : perSecond(result.highestRate)}.`,
      '',
    );
  }
  out.push('| target | measured | verdict |', '|---|---|---|');
  for (const t of result.targets)
    out.push(`| ${t.description} | ${t.measured} | ${t.passed ? 'PASS' : '**MISS**'} |`);
  return out.join('\n');
}
