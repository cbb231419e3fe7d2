import type { SimulationSummary } from './simulation-summary.js';

/** The summary line printed after a simulation: where it went and its ground truth. */
export function formatSimulationSummary(summary: SimulationSummary, destination: string): string {
  const t = summary.truth;
  const n = (value: number): string => value.toLocaleString('en-US');
  const parts = [
    `${n(t.messages)} messages (${n(t.unique_messages)} unique, ${n(t.redeliveries)} redeliveries)`,
    `${n(t.transactions)} transactions`,
    `${n(t.out_of_order_messages)} out of order`,
    `${n(t.late_messages)} late`,
    `${n(t.missing_sequences)} missing sequences`,
    `${n(t.payload_conflicts)} payload conflicts`,
  ];
  if (t.malformed_lines > 0) parts.push(`${n(t.malformed_lines)} malformed lines`);
  const batch = summary.batchId !== undefined ? ` as batch ${summary.batchId}` : '';
  return `simulated seed ${summary.options.seed} into ${destination}${batch}: ${parts.join(', ')} in ${summary.seconds.toFixed(2)} s`;
}
