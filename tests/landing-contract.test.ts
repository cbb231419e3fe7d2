// The message contract, rule by rule: what the loader accepts (and how it stores it) and
// what it rejects (with a reason naming the field), on files mixing good, bad and blank lines.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect } from 'vitest';
import { it as base } from './support/fixtures.js';
import { loadFile, type LoadFileResult } from '../src/app/landing/load-file.js';
import type { Warehouse } from '../src/base/warehouse/open-warehouse.js';
import { ABSENT, messageLine } from './support/landing-messages.js';
import { readRows, readCount } from './support/read-rows.js';

type Landed = Extract<LoadFileResult, { status: 'landed' }>;

/** `land(warehouse, text, name)`: writes `text` to a file `name` of a new folder and lands it. */
const it = base.extend<{
  land: (warehouse: Warehouse, text: string | Buffer, name?: string) => Promise<Landed>;
}>({
  land: async ({ tempDir }, use) => {
    await use(async (warehouse, text, name = 'events.jsonl') => {
      const file = join(tempDir(), name);
      writeFileSync(file, text);
      const result = await loadFile(warehouse, file);
      if (result.status !== 'landed') throw new Error(`not landed: ${result.message}`);
      return result;
    });
  },
});

/** Each line breaks exactly one rule; the reason must start with the field it names. */
const REJECTIONS: readonly [string, string, string][] = [
  ['invalid JSON', '{"message_id": "m-1", ', 'invalid JSON'],
  ['a JSON array', '["m-1", 7, 0]', 'not a JSON object'],
  ['a JSON string', '"m-1"', 'not a JSON object'],
  ['message_id missing', messageLine({ message_id: ABSENT }), 'message_id:'],
  ['message_id empty', messageLine({ message_id: '' }), 'message_id:'],
  ['message_id a number', messageLine({ message_id: 17 }), 'message_id:'],
  ['sequence_id missing', messageLine({ sequence_id: ABSENT }), 'sequence_id:'],
  ['sequence_id negative', messageLine({ sequence_id: -1 }), 'sequence_id:'],
  ['sequence_id a decimal', messageLine({ sequence_id: 1.5 }), 'sequence_id:'],
  [
    'sequence_id 1.0',
    '{"message_id":"m-1","sequence_id":1.0,"partition_id":0,"created_at":"2025-01-13T10:00:00Z","payload":{"transaction_id":"t-1","event_type":"captured","amount":1,"currency":"EUR"}}',
    'sequence_id:',
  ],
  ['sequence_id a string', messageLine({ sequence_id: '7' }), 'sequence_id:'],
  [
    'sequence_id beyond BIGINT',
    messageLine({ sequence_id: ABSENT }).replace('{', '{"sequence_id":9223372036854775808,'),
    'sequence_id:',
  ],
  ['partition_id missing', messageLine({ partition_id: ABSENT }), 'partition_id:'],
  ['partition_id negative', messageLine({ partition_id: -3 }), 'partition_id:'],
  ['partition_id null', messageLine({ partition_id: null }), 'partition_id:'],
  ['partition_id beyond INTEGER', messageLine({ partition_id: 2147483648 }), 'partition_id:'],
  ['created_at missing', messageLine({ created_at: ABSENT }), 'created_at:'],
  ['created_at a number', messageLine({ created_at: 1736762400000 }), 'created_at:'],
  ['created_at not ISO', messageLine({ created_at: '13/01/2025 10:00' }), 'created_at:'],
  ['created_at a date only', messageLine({ created_at: '2025-01-13' }), 'created_at:'],
  [
    'created_at an impossible date',
    messageLine({ created_at: '2025-02-30T10:00:00Z' }),
    'created_at:',
  ],
  ['created_at hour 25', messageLine({ created_at: '2025-01-13T25:00:00Z' }), 'created_at:'],
  [
    'created_at offset +99:00',
    messageLine({ created_at: '2025-01-13T10:00:00+99:00' }),
    'created_at:',
  ],
  ['created_at lower-case z', messageLine({ created_at: '2025-01-13T10:00:00z' }), 'created_at:'],
  ['payload missing', messageLine({ payload: ABSENT }), 'payload:'],
  ['payload a string', messageLine({ payload: '{"transaction_id":"t-1"}' }), 'payload:'],
  ['payload an array', messageLine({ payload: [] }), 'payload:'],
  [
    'transaction_id missing',
    messageLine({ 'payload.transaction_id': ABSENT }),
    'payload.transaction_id:',
  ],
  [
    'transaction_id empty',
    messageLine({ 'payload.transaction_id': '' }),
    'payload.transaction_id:',
  ],
  [
    'transaction_id a number',
    messageLine({ 'payload.transaction_id': 1 }),
    'payload.transaction_id:',
  ],
  ['event_type missing', messageLine({ 'payload.event_type': ABSENT }), 'payload.event_type:'],
  ['event_type empty', messageLine({ 'payload.event_type': '' }), 'payload.event_type:'],
  ['amount missing', messageLine({ 'payload.amount': ABSENT }), 'payload.amount:'],
  ['amount a string', messageLine({ 'payload.amount': '12.50' }), 'payload.amount:'],
  ['amount negative', messageLine({ 'payload.amount': -0.01 }), 'payload.amount:'],
  ['amount with 3 decimals', messageLine({ 'payload.amount': 1.005 }), 'payload.amount:'],
  ['amount null', messageLine({ 'payload.amount': null }), 'payload.amount:'],
  ['amount beyond DECIMAL(18,2)', messageLine({ 'payload.amount': 1e17 }), 'payload.amount:'],
  ['currency missing', messageLine({ 'payload.currency': ABSENT }), 'payload.currency:'],
  ['currency lower case', messageLine({ 'payload.currency': 'eur' }), 'payload.currency:'],
  ['currency 4 letters', messageLine({ 'payload.currency': 'EURO' }), 'payload.currency:'],
  ['currency a number', messageLine({ 'payload.currency': 978 }), 'payload.currency:'],
  ['customer_id a number', messageLine({ 'payload.customer_id': 9 }), 'payload.customer_id:'],
  [
    'customer_id an object',
    messageLine({ 'payload.customer_id': { id: 9 } }),
    'payload.customer_id:',
  ],
];

describe('rejected lines', () => {
  it.for(REJECTIONS)(
    '%s: rejected, the reason names the field, the line kept as read',
    async ([_case, line, reason], { openWarehouse, land }) => {
      const warehouse = await openWarehouse();
      const result = await land(warehouse, `${messageLine()}\n${line}\n`);
      expect(result).toMatchObject({ accepted: 1, rejected: 1, linesRead: 2 });
      const rejected = await readRows(
        warehouse.connection,
        'select _line, raw_line, reason, _source, _batch_id from raw_rejected',
      );
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toMatchObject({
        _line: '2',
        raw_line: line,
        _source: 'events.jsonl',
        _batch_id: String(result.batchId),
      });
      expect(String(rejected[0]!['reason']).startsWith(reason)).toBe(true);
    },
  );

  it('names the first broken field, with the value it got', async ({ openWarehouse, land }) => {
    const warehouse = await openWarehouse();
    await land(warehouse, messageLine({ sequence_id: '7', 'payload.currency': 'eur' }) + '\n');
    const [row] = await readRows(warehouse.connection, 'select reason from raw_rejected');
    expect(row!['reason']).toBe('sequence_id: must be a JSON integer >= 0, got "7"');
  });
});

describe('accepted lines', () => {
  it.for([
    ['Z with milliseconds', '2025-01-13T10:00:00.123Z', '2025-01-13T10:00:00.123Z'],
    ['an offset', '2025-01-13T12:00:00+02:00', '2025-01-13T10:00:00.000Z'],
    ['a negative offset without colon', '2025-01-13T05:30:00-0430', '2025-01-13T10:00:00.000Z'],
    ['no offset (UTC)', '2025-01-13T10:00:00', '2025-01-13T10:00:00.000Z'],
    ['a space instead of T', '2025-01-13 10:00:00.5', '2025-01-13T10:00:00.500Z'],
    ['no seconds', '2025-01-13T10:00', '2025-01-13T10:00:00.000Z'],
    ['an offset crossing midnight', '2025-01-14T01:00:00+03:00', '2025-01-13T22:00:00.000Z'],
    ['an hour-only offset', '2025-01-13T12:00:00+02', '2025-01-13T10:00:00.000Z'],
    [
      'nanoseconds (truncated to microseconds)',
      '2025-01-13T10:00:00.1239999Z',
      '2025-01-13T10:00:00.123Z',
    ],
  ])(
    'created_at with %s is stored as the UTC instant',
    async ([_case, createdAt, utc], { openWarehouse, land }) => {
      const warehouse = await openWarehouse();
      const result = await land(warehouse, messageLine({ created_at: createdAt }) + '\n');
      expect(result.accepted).toBe(1);
      const [row] = await readRows(
        warehouse.connection,
        'select epoch_ms(created_at) as ms from raw_messages',
      );
      expect(new Date(Number(row!['ms'])).toISOString()).toBe(utc);
    },
  );

  it('stores the same instant whatever the session time zone', async ({ openWarehouse, land }) => {
    const warehouse = await openWarehouse();
    await warehouse.connection.run("set TimeZone = 'America/New_York'");
    await land(warehouse, messageLine({ created_at: '2025-01-13 10:00:00' }) + '\n');
    const [row] = await readRows(
      warehouse.connection,
      'select epoch_ms(created_at) as ms from raw_messages',
    );
    expect(new Date(Number(row!['ms'])).toISOString()).toBe('2025-01-13T10:00:00.000Z');
  });

  it.for([
    ['an integer', '12', '12.00'],
    ['one decimal', '12.5', '12.50'],
    ['two decimals', '0.07', '0.07'],
    ['a trailing zero', '12.30', '12.30'],
    ['zero', '0', '0.00'],
    ['an exponent', '1e2', '100.00'],
  ])(
    'amount written as %s is a DECIMAL(18,2)',
    async ([_case, amount, stored], { openWarehouse, land }) => {
      const warehouse = await openWarehouse();
      const line = messageLine().replace('"amount":12.5', `"amount":${amount}`);
      expect(line).toContain(`"amount":${amount}`);
      await land(warehouse, line + '\n');
      const [row] = await readRows(
        warehouse.connection,
        'select amount::VARCHAR as amount, typeof(amount) as type from raw_messages',
      );
      expect(row).toEqual({ amount: stored, type: 'DECIMAL(18,2)' });
    },
  );

  it('customer_id may be null or absent; unknown top-level fields are ignored, other payload fields kept', async ({
    openWarehouse,
    land,
  }) => {
    const warehouse = await openWarehouse();
    const lines = [
      messageLine({ message_id: 'a', 'payload.customer_id': null }),
      messageLine({ message_id: 'b', 'payload.customer_id': ABSENT }),
      messageLine({ message_id: 'c', 'payload.customer_id': '' }),
      messageLine({
        message_id: 'd',
        trace_id: 'x-1',
        headers: { retry: 2 },
        'payload.method': 'card',
        'payload.meta': { n: [1, 2] },
      }),
    ];
    const result = await land(warehouse, lines.join('\n') + '\n');
    expect(result).toMatchObject({ accepted: 4, rejected: 0 });
    const stored = await readRows(
      warehouse.connection,
      `select message_id, customer_id, payload::VARCHAR as payload, transaction_id, event_type, currency, sequence_id, partition_id
       from raw_messages order by _offset`,
    );
    expect(stored.map((r) => r['customer_id'])).toEqual([null, null, '', 'c-9']);
    expect(stored[3]!['payload']).toBe(
      '{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":"card","meta":{"n":[1,2]}}',
    );
    expect(stored[3]).toMatchObject({
      transaction_id: 't-1',
      event_type: 'captured',
      currency: 'EUR',
      sequence_id: '7',
      partition_id: 0,
    });
    const columns = await readRows(
      warehouse.connection,
      "select column_name from information_schema.columns where table_name = 'raw_messages'",
    );
    expect(columns.map((c) => c['column_name'])).not.toContain('trace_id');
  });
});

describe('a file mixing good, bad and blank lines', () => {
  it('lands every good line in order and every bad one as read; accepted + rejected = non-blank lines; _line counts every line', async ({
    openWarehouse,
    land,
  }) => {
    const warehouse = await openWarehouse();
    const lines = [
      messageLine({ message_id: 'a' }), // 1
      '', // 2 blank
      '{"message_id": "broken"', // 3 bad
      '   \t ', // 4 blank (whitespace only)
      messageLine({ message_id: 'b', 'payload.amount': 1.005 }), // 5 bad
      messageLine({ message_id: 'c', created_at: '2025-01-13 12:00:00+02:00' }), // 6
      'not json at all, with "quotes" and a tab\there', // 7 bad
      messageLine({ message_id: 'd' }), // 8
    ];
    const result = await land(warehouse, lines.join('\n') + '\n');
    expect(result).toMatchObject({
      linesRead: 8,
      accepted: 3,
      rejected: 3,
      blank: 2,
      firstOffset: 1,
      lastOffset: 3,
    });
    expect(
      await readRows(
        warehouse.connection,
        'select _offset, message_id, _line from raw_messages order by _offset',
      ),
    ).toEqual([
      { _offset: '1', message_id: 'a', _line: '1' },
      { _offset: '2', message_id: 'c', _line: '6' },
      { _offset: '3', message_id: 'd', _line: '8' },
    ]);
    const rejected = await readRows(
      warehouse.connection,
      'select _line, raw_line, reason from raw_rejected order by _line',
    );
    expect(rejected.map((r) => [r['_line'], r['raw_line']])).toEqual([
      ['3', lines[2]],
      ['5', lines[4]],
      ['7', lines[6]],
    ]);
    expect(rejected.map((r) => String(r['reason']).split(':')[0])).toEqual([
      'invalid JSON',
      'payload.amount',
      'invalid JSON',
    ]);
    const [ledger] = await readRows(warehouse.connection, 'select * from raw_loads');
    expect(ledger).toMatchObject({
      kind: 'file',
      source: 'events.jsonl',
      lines_read: '8',
      accepted: '3',
      rejected: '3',
      first_offset: '1',
      last_offset: '3',
    });
  });

  it('keeps a last line without a newline, strips CRLF line ends and a byte-order mark', async ({
    openWarehouse,
    land,
  }) => {
    const warehouse = await openWarehouse();
    const text =
      '\uFEFF' +
      messageLine({ message_id: 'a' }) +
      '\r\n\r\n{bad}\r\n' +
      messageLine({ message_id: 'b' });
    const result = await land(warehouse, text);
    expect(result).toMatchObject({ linesRead: 4, accepted: 2, rejected: 1, blank: 1 });
    expect(
      await readRows(
        warehouse.connection,
        'select message_id, _line from raw_messages order by _offset',
      ),
    ).toEqual([
      { message_id: 'a', _line: '1' },
      { message_id: 'b', _line: '4' },
    ]);
    expect(
      await readRows(warehouse.connection, 'select raw_line, _line from raw_rejected'),
    ).toEqual([{ raw_line: '{bad}', _line: '3' }]);
  });

  it('reads a file in pieces of whole lines (bounded memory) exactly as in one piece', async ({
    tempDir,
    openWarehouse,
  }) => {
    const lines = [
      messageLine({ message_id: 'a' }),
      '',
      messageLine({ message_id: 'b', trace: 'x'.repeat(500) }), // longer than a piece
      'bad',
      '\r',
      ...Array.from({ length: 40 }, (_, i) => messageLine({ message_id: `c${i}`, sequence_id: i })),
      '{"truncated": ',
      messageLine({ message_id: 'é-ü-漢' }), // multi-byte characters near the cuts
    ];
    const text = '\uFEFF' + lines.join('\r\n'); // no newline at the end
    const path = join(tempDir(), 'pieces.jsonl');
    writeFileSync(path, text);
    const whole = await openWarehouse();
    const pieces = await openWarehouse();
    const one = await loadFile(whole, path);
    const many = await loadFile(pieces, path, { pieceBytes: 97 });
    expect(one).toMatchObject({
      status: 'landed',
      linesRead: lines.length,
      accepted: 43,
      rejected: 2,
      blank: 2,
    });
    expect(many).toMatchObject({
      status: 'landed',
      linesRead: lines.length,
      accepted: 43,
      rejected: 2,
      blank: 2,
    });
    const read = async (w: Warehouse): Promise<unknown[]> => [
      ...(await readRows(
        w.connection,
        'select _offset, _line, message_id, payload::VARCHAR as p from raw_messages order by _offset',
      )),
      ...(await readRows(
        w.connection,
        'select _line, raw_line, reason from raw_rejected order by _line',
      )),
    ];
    const fromPieces = await read(pieces);
    expect(fromPieces).toEqual(await read(whole));
    expect(fromPieces.at(-3)).toMatchObject({ _line: String(lines.length), message_id: 'é-ü-漢' });
    expect(fromPieces.at(-1)).toMatchObject({
      _line: String(lines.length - 1),
      raw_line: '{"truncated": ',
    });
  });

  it('lands a file of blank lines as an empty batch', async ({ openWarehouse, land }) => {
    const warehouse = await openWarehouse();
    const result = await land(warehouse, '\n\n  \n');
    expect(result).toMatchObject({
      linesRead: 3,
      accepted: 0,
      rejected: 0,
      blank: 3,
      firstOffset: null,
      lastOffset: null,
    });
    expect(await readCount(warehouse.connection, 'select count(*) from raw_loads')).toBe(1);
  });

  it('lands gzip-compressed JSONL exactly as the plain file, recording the compressed bytes hash', async ({
    openWarehouse,
    land,
  }) => {
    const warehouse = await openWarehouse();
    const text =
      [messageLine({ message_id: 'a' }), '', 'oops', messageLine({ message_id: 'b' })].join('\n') +
      '\n';
    const plain = await land(warehouse, text, 'plain.jsonl');
    const gzipped = await land(warehouse, gzipSync(text), 'zipped.jsonl.gz');
    expect(gzipped).toMatchObject({
      linesRead: plain.linesRead,
      accepted: 2,
      rejected: 1,
      replayOf: null,
      firstOffset: 3,
    });
    const sides = await readRows(
      warehouse.connection,
      `select count(*) as n from (
          (select message_id, _line, payload::VARCHAR from raw_messages where _source = 'plain.jsonl'
           except all select message_id, _line, payload::VARCHAR from raw_messages where _source = 'zipped.jsonl.gz')
          union all
          (select message_id, _line, payload::VARCHAR from raw_messages where _source = 'zipped.jsonl.gz'
           except all select message_id, _line, payload::VARCHAR from raw_messages where _source = 'plain.jsonl'))`,
    );
    expect(sides).toEqual([{ n: '0' }]);
    expect(
      await readRows(
        warehouse.connection,
        "select raw_line, _line from raw_rejected where _source = 'zipped.jsonl.gz'",
      ),
    ).toEqual([{ raw_line: 'oops', _line: '3' }]);
  });
});
