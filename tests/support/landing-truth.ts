/**
 * The simulator's ground truth recomputed from its JSONL output alone, independently of the
 * simulator's own bookkeeping and of any SQL: the definitions are the pipeline's, applied
 * to the lines in file order.
 */
import type { SimulationTruth } from '../../src/app/landing/simulation-truth.js';

/** JSON text with object keys sorted at every depth: two payloads have the same content iff equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface Parsed {
  message_id: string;
  sequence_id: number;
  partition_id: number;
  created_at: string;
  payload: { transaction_id: string };
}

function parse(line: string): Parsed | undefined {
  try {
    const value = JSON.parse(line) as Partial<Parsed>;
    const ok =
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof value.message_id === 'string' &&
      Number.isInteger(value.sequence_id) &&
      Number.isInteger(value.partition_id) &&
      typeof value.created_at === 'string' &&
      typeof value.payload === 'object';
    return ok ? (value as Parsed) : undefined;
  } catch {
    return undefined;
  }
}

/** Recomputes {@link SimulationTruth} from the text of a simulated JSONL file (watermark in minutes). */
export function truthFromJsonl(text: string, watermarkMinutes = 60): SimulationTruth {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const payloads = new Map<string, Set<string>>();
  const sequences = new Map<number, Set<number>>();
  const maxFirstSequence = new Map<number, number>();
  const transactions = new Set<string>();
  let messages = 0;
  let malformed = 0;
  let late = 0;
  let outOfOrder = 0;
  let newestMs: number | null = null;
  for (const line of lines) {
    const m = parse(line);
    if (!m) {
      malformed++;
      continue;
    }
    messages++;
    const createdMs = Date.parse(m.created_at);
    if (newestMs !== null && createdMs < newestMs - watermarkMinutes * 60_000) late++;
    newestMs = newestMs === null ? createdMs : Math.max(newestMs, createdMs);
    const key = `${m.message_id}|${m.sequence_id}|${m.partition_id}`;
    const seen = payloads.get(key);
    if (seen) {
      seen.add(canonical(m.payload));
      continue;
    }
    payloads.set(key, new Set([canonical(m.payload)]));
    transactions.add(m.payload.transaction_id);
    const highest = maxFirstSequence.get(m.partition_id);
    if (highest !== undefined && m.sequence_id < highest) outOfOrder++;
    else maxFirstSequence.set(m.partition_id, m.sequence_id);
    let ids = sequences.get(m.partition_id);
    if (!ids) sequences.set(m.partition_id, (ids = new Set()));
    ids.add(m.sequence_id);
  }
  let missing = 0;
  for (const ids of sequences.values()) {
    let min = Infinity;
    let max = -Infinity;
    for (const id of ids) {
      min = Math.min(min, id);
      max = Math.max(max, id);
    }
    missing += max - min + 1 - ids.size;
  }
  return {
    messages,
    unique_messages: payloads.size,
    redeliveries: messages - payloads.size,
    payload_conflicts: [...payloads.values()].filter((set) => set.size > 1).length,
    missing_sequences: missing,
    late_messages: late,
    out_of_order_messages: outOfOrder,
    transactions: transactions.size,
    malformed_lines: malformed,
  };
}
