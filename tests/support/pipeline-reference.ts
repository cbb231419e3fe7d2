/**
 * A small, deliberately naive TypeScript model of the exactly-once pipeline's semantics, written from
 * their specification (README, "The exactly-once pipeline") and independently from the SQL models. Tests compare every relation the warehouse builds
 * with what this model computes over the same arrivals.
 *
 * Everything here is O(n²) or plain loops on purpose: it must be obviously correct, not fast.
 */
import { createHash } from 'node:crypto';

/** One landed message, as in `raw_messages`, in arrival order (`offset` strictly increasing). */
export interface Arrival {
  readonly offset: number;
  readonly messageId: string;
  readonly sequenceId: number;
  readonly partitionId: number;
  /** Event time, epoch milliseconds (UTC). */
  readonly createdAtMs: number;
  readonly transactionId: string;
  readonly eventType: string;
  /** Amount in hundredths (DECIMAL(18,2) × 100). */
  readonly amountCents: number;
  readonly currency: string;
  readonly customerId: string | null;
  /** Payload text as received: key order and spacing may differ between redeliveries. */
  readonly payload: string;
}

/** A Bronze row: the arrival plus the derived columns the specification names. */
export interface ReferenceBronzeRow extends Arrival {
  readonly compositeHash: string;
  /** Canonical payload content (sorted keys, no spacing): equal exactly when the payload hashes must be equal. */
  readonly canonicalPayload: string;
  /** `YYYY-MM-DD`, UTC date of `created_at`. */
  readonly partitionDate: string;
}

export interface ReferenceLateRow extends ReferenceBronzeRow {
  /** Watermark in epoch milliseconds. */
  readonly watermarkMs: number;
}

export interface ReferenceTransaction {
  readonly transactionId: string;
  readonly status: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly customerId: string | null;
  readonly lastMessageId: string;
  readonly updatedAtMs: number;
  readonly eventCount: number;
}

export interface ReferenceDailyRevenue {
  /** `YYYY-MM-DD`, UTC day of `updated_at`. */
  readonly day: string;
  readonly currency: string;
  readonly transactions: number;
  readonly capturedCents: number;
  readonly refundedCents: number;
}

export interface ReferenceDuplicate {
  readonly compositeHash: string;
  readonly messageId: string;
  readonly sequenceId: number;
  readonly partitionId: number;
  readonly copies: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly distinctPayloads: number;
}

/** The counting metrics of `audit_health` (ratios and thresholds are checked separately). */
export interface ReferenceHealth {
  readonly total_messages: number;
  readonly unique_messages: number;
  readonly duplicate_messages: number;
  readonly late_messages: number;
  readonly out_of_order_messages: number;
  readonly missing_sequences: number;
  readonly payload_conflicts: number;
}

export interface ReferenceResult {
  /** Ordered by offset. */
  readonly bronze: readonly ReferenceBronzeRow[];
  /** Ordered by offset. */
  readonly silverEvents: readonly ReferenceBronzeRow[];
  /** Ordered by offset. */
  readonly lateEvents: readonly ReferenceLateRow[];
  /** Ordered by transaction id. */
  readonly transactions: readonly ReferenceTransaction[];
  /** Ordered by day, then currency. */
  readonly dailyRevenue: readonly ReferenceDailyRevenue[];
  /** Ordered by first offset. */
  readonly duplicates: readonly ReferenceDuplicate[];
  readonly health: ReferenceHealth;
}

/** Options of the reference model. `watermarkMinutes` defaults to 60, like the project var. */
export interface ReferenceOptions {
  readonly watermarkMinutes?: number;
}

/** Lower-case hex SHA-256 of `message_id|sequence_id|partition_id`. */
export function compositeHashOf(
  messageId: string,
  sequenceId: number,
  partitionId: number,
): string {
  return createHash('sha256').update(`${messageId}|${sequenceId}|${partitionId}`).digest('hex');
}

/** Canonical JSON text: objects with keys sorted (recursively), no insignificant spacing. */
export function canonicalJson(text: string): string {
  return JSON.stringify(sortKeys(JSON.parse(text) as unknown));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) sorted[key] = sortKeys(record[key]);
    return sorted;
  }
  return value;
}

/** `YYYY-MM-DD` of an epoch-milliseconds instant, in UTC. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Formats hundredths as DuckDB prints a DECIMAL(·,2): `1234` → `'12.34'`, `-5` → `'-0.05'`. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function keyOf(a: Arrival): string {
  return JSON.stringify([a.messageId, a.sequenceId, a.partitionId]);
}

/**
 * Computes every relation of the pipeline over `arrivals` (any order: they are sorted by offset first).
 */
export function referenceModel(
  arrivals: readonly Arrival[],
  options: ReferenceOptions = {},
): ReferenceResult {
  const delayMs = (options.watermarkMinutes ?? 60) * 60_000;
  const ordered = [...arrivals].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.offset === ordered[i - 1]!.offset)
      throw new Error(`offset ${ordered[i]!.offset} appears twice`);
  }

  const bronze: ReferenceBronzeRow[] = ordered.map((a) => ({
    ...a,
    compositeHash: compositeHashOf(a.messageId, a.sequenceId, a.partitionId),
    canonicalPayload: canonicalJson(a.payload),
    partitionDate: utcDate(a.createdAtMs),
  }));

  // Watermark: greatest created_at among all earlier arrivals, minus the delay. Late: strictly earlier.
  const lateEvents: ReferenceLateRow[] = [];
  const lateOffsets = new Set<number>();
  let greatestSoFar: number | undefined;
  for (const row of bronze) {
    if (greatestSoFar !== undefined) {
      const watermarkMs = greatestSoFar - delayMs;
      if (row.createdAtMs < watermarkMs) {
        lateEvents.push({ ...row, watermarkMs });
        lateOffsets.add(row.offset);
      }
    }
    greatestSoFar =
      greatestSoFar === undefined ? row.createdAtMs : Math.max(greatestSoFar, row.createdAtMs);
  }

  // Silver: per key, the first non-late copy.
  const silverKeys = new Set<string>();
  const silverEvents: ReferenceBronzeRow[] = [];
  for (const row of bronze) {
    if (lateOffsets.has(row.offset)) continue;
    const key = keyOf(row);
    if (silverKeys.has(key)) continue;
    silverKeys.add(key);
    silverEvents.push(row);
  }

  // Current state per transaction: the Silver event with the greatest (created_at, offset).
  const byTransaction = new Map<string, { winner: ReferenceBronzeRow; count: number }>();
  for (const row of silverEvents) {
    const current = byTransaction.get(row.transactionId);
    if (!current) {
      byTransaction.set(row.transactionId, { winner: row, count: 1 });
      continue;
    }
    current.count += 1;
    const newer =
      row.createdAtMs > current.winner.createdAtMs ||
      (row.createdAtMs === current.winner.createdAtMs && row.offset > current.winner.offset);
    if (newer) current.winner = row;
  }
  const transactions: ReferenceTransaction[] = [...byTransaction.values()]
    .map(({ winner, count }) => ({
      transactionId: winner.transactionId,
      status: winner.eventType,
      amountCents: winner.amountCents,
      currency: winner.currency,
      customerId: winner.customerId,
      lastMessageId: winner.messageId,
      updatedAtMs: winner.createdAtMs,
      eventCount: count,
    }))
    .sort((a, b) => compareStrings(a.transactionId, b.transactionId));

  // Gold: UTC day of updated_at × currency.
  const revenue = new Map<string, ReferenceDailyRevenue>();
  for (const t of transactions) {
    const day = utcDate(t.updatedAtMs);
    const id = `${day}|${t.currency}`;
    const before = revenue.get(id) ?? {
      day,
      currency: t.currency,
      transactions: 0,
      capturedCents: 0,
      refundedCents: 0,
    };
    revenue.set(id, {
      ...before,
      transactions: before.transactions + 1,
      capturedCents: before.capturedCents + (t.status === 'captured' ? t.amountCents : 0),
      refundedCents: before.refundedCents + (t.status === 'refunded' ? t.amountCents : 0),
    });
  }
  const dailyRevenue = [...revenue.values()].sort(
    (a, b) => compareStrings(a.day, b.day) || compareStrings(a.currency, b.currency),
  );

  // Copies per key, in arrival order.
  const copiesByKey = new Map<string, ReferenceBronzeRow[]>();
  for (const row of bronze) {
    const key = keyOf(row);
    const list = copiesByKey.get(key);
    if (list) list.push(row);
    else copiesByKey.set(key, [row]);
  }
  const duplicates: ReferenceDuplicate[] = [];
  let payloadConflicts = 0;
  for (const copies of copiesByKey.values()) {
    const first = copies[0]!;
    const last = copies[copies.length - 1]!;
    const distinctPayloads = new Set(copies.map((c) => c.canonicalPayload)).size;
    if (distinctPayloads > 1) payloadConflicts += 1;
    if (copies.length > 1) {
      duplicates.push({
        compositeHash: first.compositeHash,
        messageId: first.messageId,
        sequenceId: first.sequenceId,
        partitionId: first.partitionId,
        copies: copies.length,
        firstOffset: first.offset,
        lastOffset: last.offset,
        distinctPayloads,
      });
    }
  }
  duplicates.sort((a, b) => a.firstOffset - b.firstOffset);

  // Out of order: first copies whose sequence id is lower than that of an earlier first copy in the partition.
  let outOfOrder = 0;
  const highestSequence = new Map<number, number>();
  const firstCopies = [...copiesByKey.values()]
    .map((copies) => copies[0]!)
    .sort((a, b) => a.offset - b.offset);
  for (const row of firstCopies) {
    const highest = highestSequence.get(row.partitionId);
    if (highest !== undefined && row.sequenceId < highest) outOfOrder += 1;
    highestSequence.set(
      row.partitionId,
      highest === undefined ? row.sequenceId : Math.max(highest, row.sequenceId),
    );
  }

  // Missing sequences: per partition, max − min + 1 − distinct sequence ids.
  const sequencesByPartition = new Map<number, Set<number>>();
  for (const row of bronze) {
    const set = sequencesByPartition.get(row.partitionId) ?? new Set<number>();
    set.add(row.sequenceId);
    sequencesByPartition.set(row.partitionId, set);
  }
  let missingSequences = 0;
  for (const set of sequencesByPartition.values()) {
    const values = [...set];
    missingSequences += Math.max(...values) - Math.min(...values) + 1 - set.size;
  }

  return {
    bronze,
    silverEvents,
    lateEvents,
    transactions,
    dailyRevenue,
    duplicates,
    health: {
      total_messages: bronze.length,
      unique_messages: copiesByKey.size,
      duplicate_messages: bronze.length - copiesByKey.size,
      late_messages: lateEvents.length,
      out_of_order_messages: outOfOrder,
      missing_sequences: missingSequences,
      payload_conflicts: payloadConflicts,
    },
  };
}

/** Byte-order string comparison (what `order by` on VARCHAR does in DuckDB for ASCII text). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
