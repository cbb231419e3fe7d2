import type { PublishSummary } from './publish-simulation.js';

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The line `npm run publish` ends with, on a terminal or not: what was published, how fast, the
 * stream sequences it took and what the stream holds now, e.g. `published 1,050 message(s) to
 * EVENTS in 0.4 s (2,625 msg/s): sequences 1 to 1,050; 50 retried copies, 0 dropped by the dedup
 * window; the stream holds sequences 1 to 1,050`.
 */
export function formatPublishSummary(stream: string, summary: PublishSummary): string {
  const rate = summary.seconds > 0 ? Math.round(summary.published / summary.seconds) : null;
  const sequences =
    summary.published > 0
      ? `sequences ${count(summary.firstSequence)} to ${count(summary.lastSequence)}`
      : 'no new sequences';
  return [
    `published ${count(summary.published)} message(s) to ${stream} in ${summary.seconds.toFixed(1)} s`,
    rate === null ? '' : ` (${count(rate)} msg/s)`,
    `: ${sequences}; ${count(summary.retried)} retried copies, ${count(summary.deduplicated)} dropped by the dedup window`,
    `; the stream holds sequences ${count(summary.stream.firstSequence)} to ${count(summary.stream.lastSequence)}`,
  ].join('');
}
