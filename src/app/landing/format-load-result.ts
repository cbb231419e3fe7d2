import type { LoadFileResult } from './load-file.js';

/** The one-line summary printed for a landed file: batch, accepted, rejected, blank lines, seconds. */
export function formatLoadResult(result: Extract<LoadFileResult, { status: 'landed' }>): string {
  const parts = [
    `${result.path}: batch ${result.batchId}`,
    `${result.accepted.toLocaleString('en-US')} accepted`,
    `${result.rejected.toLocaleString('en-US')} rejected`,
  ];
  if (result.blank > 0) parts.push(`${result.blank.toLocaleString('en-US')} blank`);
  if (result.replayOf !== null) parts.push(`replay of batch ${result.replayOf}`);
  return `${parts.join(', ')} in ${result.seconds.toFixed(2)} s`;
}
