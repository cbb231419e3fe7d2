// The reference model of the exactly-once pipeline (README, "The exactly-once pipeline"), checked on small hand-computed examples, and the
// stream generators checked for the chaos they promise. The other pipeline-semantics tests trust both.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  compositeHashOf,
  formatCents,
  referenceModel,
  type Arrival,
} from './support/pipeline-reference.js';
import { arrivalsOf, payloadText, streamArbitrary } from './support/pipeline-streams.js';

const at = (hhmm: string, day = '2026-03-01'): number => Date.parse(`${day}T${hhmm}:00Z`);

function arrival(
  offset: number,
  fields: Partial<Arrival> & Pick<Arrival, 'messageId' | 'sequenceId' | 'createdAtMs'>,
): Arrival {
  const base = {
    partitionId: 0,
    transactionId: 'A',
    eventType: 'created',
    amountCents: 1000,
    currency: 'EUR',
    customerId: null,
    ...fields,
  };
  return {
    offset,
    payload: payloadText(base, 'plain'),
    ...base,
    ...(fields.payload ? { payload: fields.payload } : {}),
  };
}

// Delay 60 minutes. Watermarks: offset 1 none, 2..4 09:30, 5..7 11:00 (after the 12:00 message).
const example: Arrival[] = [
  arrival(1, { messageId: 'm1', sequenceId: 1, createdAtMs: at('10:00') }),
  arrival(2, { messageId: 'm2', sequenceId: 2, createdAtMs: at('10:30'), eventType: 'captured' }),
  arrival(3, { messageId: 'm1', sequenceId: 1, createdAtMs: at('10:00') }),
  arrival(4, {
    messageId: 'm5',
    sequenceId: 5,
    createdAtMs: at('12:00'),
    transactionId: 'B',
    eventType: 'captured',
    amountCents: 500,
    currency: 'USD',
  }),
  arrival(5, { messageId: 'm3', sequenceId: 3, createdAtMs: at('10:59'), transactionId: 'B' }),
  arrival(6, {
    messageId: 'p1',
    sequenceId: 1,
    partitionId: 1,
    createdAtMs: at('11:00'),
    transactionId: 'C',
    eventType: 'refunded',
    amountCents: 250,
  }),
  arrival(7, {
    messageId: 'm2',
    sequenceId: 2,
    createdAtMs: at('10:30'),
    eventType: 'captured',
    amountCents: 999,
    payload: payloadText(
      {
        messageId: 'm2',
        sequenceId: 2,
        partitionId: 0,
        createdAtMs: at('10:30'),
        transactionId: 'A',
        eventType: 'captured',
        amountCents: 999,
        currency: 'EUR',
        customerId: null,
      },
      'reordered',
    ),
  }),
];

describe('reference model on a hand-computed stream', () => {
  const result = referenceModel(example);

  it('keeps the first non-late copy of each key in Silver', () => {
    expect(result.silverEvents.map((r) => r.offset)).toEqual([1, 2, 4, 6]);
  });

  it('diverts late rows, duplicates included, with their watermark; equal to the watermark is not late', () => {
    expect(result.lateEvents.map((r) => [r.offset, new Date(r.watermarkMs).toISOString()])).toEqual(
      [
        [5, '2026-03-01T11:00:00.000Z'],
        [7, '2026-03-01T11:00:00.000Z'],
      ],
    );
  });

  it('keeps the latest event per transaction and counts its Silver events', () => {
    expect(result.transactions).toEqual([
      {
        transactionId: 'A',
        status: 'captured',
        amountCents: 1000,
        currency: 'EUR',
        customerId: null,
        lastMessageId: 'm2',
        updatedAtMs: at('10:30'),
        eventCount: 2,
      },
      {
        transactionId: 'B',
        status: 'captured',
        amountCents: 500,
        currency: 'USD',
        customerId: null,
        lastMessageId: 'm5',
        updatedAtMs: at('12:00'),
        eventCount: 1,
      },
      {
        transactionId: 'C',
        status: 'refunded',
        amountCents: 250,
        currency: 'EUR',
        customerId: null,
        lastMessageId: 'p1',
        updatedAtMs: at('11:00'),
        eventCount: 1,
      },
    ]);
  });

  it('sums revenue per UTC day and currency', () => {
    expect(result.dailyRevenue).toEqual([
      {
        day: '2026-03-01',
        currency: 'EUR',
        transactions: 2,
        capturedCents: 1000,
        refundedCents: 250,
      },
      { day: '2026-03-01', currency: 'USD', transactions: 1, capturedCents: 500, refundedCents: 0 },
    ]);
  });

  it('reports duplicated keys with their copies and distinct payloads', () => {
    expect(
      result.duplicates.map((d) => [
        d.messageId,
        d.copies,
        d.firstOffset,
        d.lastOffset,
        d.distinctPayloads,
      ]),
    ).toEqual([
      ['m1', 2, 1, 3, 1],
      ['m2', 2, 2, 7, 2],
    ]);
  });

  it('counts the health metrics', () => {
    expect(result.health).toEqual({
      total_messages: 7,
      unique_messages: 5,
      duplicate_messages: 2,
      late_messages: 2,
      out_of_order_messages: 1, // m3 (seq 3) after m5 (seq 5) in partition 0
      missing_sequences: 1, // partition 0 holds 1, 2, 3, 5
      payload_conflicts: 1, // m2
    });
  });

  it('gives the same result whatever order the arrivals are passed in', () => {
    expect(referenceModel([...example].reverse())).toEqual(result);
  });
});

describe('reference model edge cases', () => {
  it('never marks the first message late, and drops a key whose every copy is late', () => {
    const result = referenceModel([
      arrival(10, { messageId: 'a', sequenceId: 1, createdAtMs: at('03:00') }),
      arrival(11, { messageId: 'b', sequenceId: 2, createdAtMs: at('08:00') }),
      arrival(12, { messageId: 'c', sequenceId: 3, createdAtMs: at('04:00') }),
      arrival(13, { messageId: 'c', sequenceId: 3, createdAtMs: at('04:00') }),
    ]);
    expect(result.lateEvents.map((r) => r.offset)).toEqual([12, 13]);
    expect(result.silverEvents.map((r) => r.offset)).toEqual([10, 11]);
    expect(result.health.unique_messages).toBe(3);
  });

  it('lets a late copy be followed by a non-late copy of the same key, which then enters Silver', () => {
    // Watermark is monotone, so a later copy with the same created_at is late too, unless retimed.
    const result = referenceModel([
      arrival(1, { messageId: 'x', sequenceId: 1, createdAtMs: at('12:00') }),
      arrival(2, { messageId: 'y', sequenceId: 2, createdAtMs: at('10:00') }),
      arrival(3, { messageId: 'y', sequenceId: 2, createdAtMs: at('11:30') }),
    ]);
    expect(result.lateEvents.map((r) => r.offset)).toEqual([2]);
    expect(result.silverEvents.map((r) => r.offset)).toEqual([1, 3]);
  });

  it('breaks created_at ties by the later offset and never lets an older event overwrite a newer one', () => {
    const result = referenceModel([
      arrival(1, {
        messageId: 'a',
        sequenceId: 1,
        createdAtMs: at('10:00'),
        eventType: 'authorized',
      }),
      arrival(2, {
        messageId: 'b',
        sequenceId: 2,
        createdAtMs: at('10:00'),
        eventType: 'captured',
      }),
      arrival(3, { messageId: 'c', sequenceId: 3, createdAtMs: at('09:59'), eventType: 'failed' }),
    ]);
    expect(result.transactions).toHaveLength(1);
    expect(result.transactions[0]).toMatchObject({
      status: 'captured',
      lastMessageId: 'b',
      eventCount: 3,
    });
  });

  it('uses a configurable watermark delay', () => {
    const stream = [
      arrival(1, { messageId: 'a', sequenceId: 1, createdAtMs: at('10:00') }),
      arrival(2, { messageId: 'b', sequenceId: 2, createdAtMs: at('09:45') }),
    ];
    expect(referenceModel(stream).lateEvents).toHaveLength(0);
    expect(
      referenceModel(stream, { watermarkMinutes: 10 }).lateEvents.map((r) => r.watermarkMs),
    ).toEqual([at('09:50')]);
  });

  it('puts a transaction updated just after midnight UTC on the next day', () => {
    const result = referenceModel([
      arrival(1, {
        messageId: 'a',
        sequenceId: 1,
        createdAtMs: at('23:59'),
        eventType: 'captured',
      }),
      arrival(2, {
        messageId: 'b',
        sequenceId: 2,
        createdAtMs: at('00:01', '2026-03-02'),
        transactionId: 'B',
        eventType: 'captured',
      }),
    ]);
    expect(result.dailyRevenue.map((r) => r.day)).toEqual(['2026-03-01', '2026-03-02']);
    expect(result.bronze.map((r) => r.partitionDate)).toEqual(['2026-03-01', '2026-03-02']);
  });

  it('refuses two arrivals with the same offset', () => {
    const a = arrival(1, { messageId: 'a', sequenceId: 1, createdAtMs: at('10:00') });
    expect(() => referenceModel([a, a])).toThrow(/offset 1 appears twice/);
  });
});

describe('reference helpers', () => {
  it('hashes the composite key as hex SHA-256 of message_id|sequence_id|partition_id', () => {
    expect(compositeHashOf('m-1', 42, 3)).toBe(
      createHash('sha256').update('m-1|42|3').digest('hex'),
    );
    expect(compositeHashOf('m-1', 42, 3)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('canonicalises payloads by content, whatever the key order and spacing, nested objects included', () => {
    expect(canonicalJson('{"b": {"y": 1, "x": [2, {"q": 1, "p": 0}]}, "a": "s"}')).toBe(
      canonicalJson('{"a":"s","b":{"x":[2,{"p":0,"q":1}],"y":1}}'),
    );
    expect(canonicalJson('{"a": "1"}')).not.toBe(canonicalJson('{"a": "2"}'));
  });

  it('formats hundredths like a DECIMAL(18,2)', () => {
    expect([formatCents(0), formatCents(5), formatCents(1234), formatCents(-5)]).toEqual([
      '0.00',
      '0.05',
      '12.34',
      '-0.05',
    ]);
  });
});

describe('stream generator', () => {
  it('produces increasing offsets, one arrival per message and copy, and copies of the same key', () => {
    fc.assert(
      fc.property(streamArbitrary(), (spec) => {
        const arrivals = arrivalsOf(spec, 100);
        const copies = spec.messages.reduce((n, m) => n + 1 + m.copies.length, 0);
        expect(arrivals).toHaveLength(copies);
        arrivals.forEach((a, i) => expect(a.offset).toBe(100 + i));
        const keys = new Set(
          arrivals.map((a) => `${a.messageId}|${a.sequenceId}|${a.partitionId}`),
        );
        expect(keys.size).toBe(spec.messages.length);
        for (const a of arrivals)
          expect(JSON.parse(a.payload)).toMatchObject({
            transaction_id: a.transactionId,
            amount: a.amountCents / 100,
            customer_id: a.customerId,
          });
      }),
      { numRuns: 50 },
    );
  });

  it('generates, across samples, every kind of chaos the semantics tests need', () => {
    const totals = {
      duplicates: 0,
      late: 0,
      outOfOrder: 0,
      missing: 0,
      conflicts: 0,
      days: 0,
      reorderedExact: 0,
    };
    for (const spec of fc.sample(streamArbitrary(), { seed: 7, numRuns: 30 })) {
      const arrivals = arrivalsOf(spec);
      const r = referenceModel(arrivals);
      totals.duplicates += r.health.duplicate_messages;
      totals.late += r.health.late_messages;
      totals.outOfOrder += r.health.out_of_order_messages;
      totals.missing += r.health.missing_sequences;
      totals.conflicts += r.health.payload_conflicts;
      totals.days += new Set(r.dailyRevenue.map((d) => d.day)).size > 1 ? 1 : 0;
      // Same content, other text: without these, canonical payload hashing goes untested.
      const texts = new Map<string, Set<string>>();
      for (const row of r.bronze)
        texts.set(
          row.canonicalPayload,
          (texts.get(row.canonicalPayload) ?? new Set()).add(row.payload),
        );
      totals.reorderedExact += [...texts.values()].filter((set) => set.size > 1).length;
    }
    for (const [name, value] of Object.entries(totals)) expect(value, name).toBeGreaterThan(0);
  });
});
