// bronze_events computes payload_hash from columns (one json_extract, the fast-path text built once)
// and partition_date from epoch microseconds, for speed. These tests land payloads and timestamps
// chosen to trip every condition of canonical_json's fast path and every corner of the date, build
// bronze_events with the real runner, and check each row against the macros that define the
// values: payload_hash(payload) (= sha256(canonical_json(payload))) and the UTC date of created_at.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { ensureLandingTables } from '../src/app/landing/landing-schema.js';
import { setConsoleSink } from '../src/base/console/console.js';
import { quoteLiteral } from '../src/base/warehouse/quote.js';
import { openWarehouse, withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { copyPipelineProject } from './support/pipeline-build.js';
import { suiteTempDirs } from './support/temp-dirs.js';

type Row = Record<string, unknown>;

const SIMULATOR = `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":"card"}`;

/**
 * Payloads by content: the texts of one group have the same content (same hash), and no two groups
 * do. Each group's comment says which path of canonical_json it takes and why.
 */
const PAYLOAD_GROUPS: Record<string, readonly string[]> = {
  // Fast path: the six keys, flat, whatever the order, spacing and escapes.
  simulator: [
    SIMULATOR,
    `{"method":"card","customer_id":"c-9","currency":"EUR","amount":12.5,"event_type":"captured","transaction_id":"t-1"}`,
    `{ "amount" : 12.5 ,\n\t"currency":"EUR", "customer_id":"c-9", "event_type":"captured", "method":"card", "transaction_id":"t-1" }`,
    `{"\\u0061mount":12.5,"currency":"\\u0045UR","customer_id":"c-9","event_type":"captured","method":"card","transaction_id":"t-1"}`,
  ],
  nullCustomer: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":null,"method":"card"}`,
  ],
  numbersAsWritten1: [
    `{"transaction_id":"t-1","event_type":"captured","amount":1e2,"currency":"EUR","customer_id":"c","method":"card"}`,
    `{"transaction_id":"t-1","event_type":"captured","amount":100.0,"currency":"EUR","customer_id":"c","method":"card"}`,
  ],
  numbersAsWritten2: [
    `{"transaction_id":"t-1","event_type":"captured","amount":100,"currency":"EUR","customer_id":"c","method":"card"}`,
  ],
  otherTypes: [
    `{"transaction_id":1,"event_type":true,"amount":-0.5,"currency":false,"customer_id":"","method":12345678901234567890}`,
  ],
  escapedStrings: [
    `{"transaction_id":"t-\\u00e9 \\"q\\" \\\\ \\/ \\t","event_type":"\\ud83e\\udd86","amount":1,"currency":"EUR","customer_id":"é","method":"card"}`,
    `{"method":"card","customer_id":"\\u00e9","currency":"EUR","amount":1,"event_type":"🦆","transaction_id":"t-é \\"q\\" \\\\ / \\t"}`,
  ],
  // Generic path: a fast-path key missing (the || text would be NULL).
  missingMethod: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9"}`,
    `{"customer_id":"c-9","currency":"EUR","amount":12.5,"event_type":"captured","transaction_id":"t-1"}`,
  ],
  // ... and another key exactly as long as `,"method":` with no value: the fast-path text would
  // be as long as the payload were it built with a NULL skipped.
  missingKeyOfSameLength: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","zzz":"a"}`,
  ],
  missingTwo: [`{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR"}`],
  // Generic path: another key (only the length check notices), sorting first, last or between.
  extraKeyFirst: [
    `{"a":0,"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":"card"}`,
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":"card","a":0}`,
  ],
  extraKeyLast: [
    `{"zz":"","transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":"card"}`,
  ],
  extraKeyBetween: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":"card","d":null}`,
  ],
  duplicateKey: [
    `{"amount":12.5,"amount":12.5,"transaction_id":"t-1","event_type":"captured","currency":"EUR","customer_id":"c-9","method":"card"}`,
  ],
  // Generic path: a nested object or array (the '{' and '[' checks), sorted inside too (three
  // levels deep, the top level included; deeper objects keep their order, see canonical_json).
  nestedObject: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":{"y":1,"x":[2,{"q":1}]}}`,
    `{"method":{"x":[2,{"q":1}],"y":1},"customer_id":"c-9","currency":"EUR","amount":12.5,"event_type":"captured","transaction_id":"t-1"}`,
  ],
  nestedFlatObject: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":{"y":1,"x":2}}`,
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":{"x":2,"y":1}}`,
  ],
  nestedArray: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":["card",null,1.0]}`,
  ],
  nestedArrayOtherOrder: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":[1.0,null,"card"]}`,
  ],
  // Strings holding JSON punctuation: '{' and '[' send them to the generic path; ',' and ':'
  // try to fake other entries.
  braceInString: [
    `{"transaction_id":"t-{1}","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":"card"}`,
  ],
  bracketInString: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":"[card]"}`,
  ],
  fakeEntryInString: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9\\",\\"zz\\":\\"1","method":"card"}`,
  ],
  commaColonInString: [
    `{"transaction_id":"t,1:2","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":"card"}`,
  ],
  // Not the usual object at all.
  emptyObject: [`{}`, `{ }`],
  topLevelArray: [`[1,{"b":1,"a":2}]`, `[ 1 , { "a" : 2 , "b" : 1 } ]`],
  jsonString: [`"{\\"amount\\":1}"`],
  jsonNumber: [`1e2`, `100.0`],
  jsonNull: [`null`],
  deepNesting: [
    `{"transaction_id":"t-1","event_type":"captured","amount":12.5,"currency":"EUR","customer_id":"c-9","method":{"a":{"b":{"d":1,"c":2}}}}`,
  ],
};

/** created_at values around the edges of a UTC day, offsets, the distant past and future, infinity. */
const CREATED_AT = [
  '2025-01-13 23:59:59.999999+00',
  '2025-01-14 00:00:00+00',
  '2025-01-14 00:30:00+02',
  '2025-01-13 23:30:00-05',
  '1970-01-01 00:00:00+00',
  '1969-12-31 23:59:59.999999+00',
  '1900-03-01 12:00:00-05',
  '1582-10-10 12:00:00+00',
  '0044-03-15 12:00:00+00',
  '9999-12-31 23:59:59.999999+00',
  '200000-01-01 00:00:00+00',
  'infinity',
  '-infinity',
];

const payloads = Object.entries(PAYLOAD_GROUPS).flatMap(([group, texts]) =>
  texts.map((text) => ({ group, text })),
);

const dirs = suiteTempDirs();
let dir: string;
let db: string;
beforeAll(async () => {
  dir = dirs.make('dw-bronze-hash-');
  db = join(dir, 'w.duckdb');
  const warehouse = await openWarehouse(db);
  try {
    await ensureLandingTables(warehouse.connection);
    const rows = Math.max(payloads.length, CREATED_AT.length);
    const values = Array.from({ length: rows }, (_, i) => {
      const payload = payloads[i % payloads.length]!.text;
      const createdAt = CREATED_AT[i % CREATED_AT.length]!;
      return `(${i}, ${quoteLiteral(`m-${i}`)}, ${i}, 0, ${quoteLiteral(createdAt)}::timestamptz, 't-1', 'captured', 1, 'EUR', null, ${quoteLiteral(payload)}::json, 1, 'test', ${i + 1}, now())`;
    });
    await warehouse.connection.run(`insert into raw_messages values ${values.join(',\n')}`);
  } finally {
    warehouse.close();
  }
  const restore = setConsoleSink({ out: () => {}, err: () => {} });
  try {
    const result = await build({
      projectDir: copyPipelineProject(join(dir, 'project')),
      dbPath: db,
      select: ['bronze_events'],
    });
    expect(result.exitCode).toBe(0);
  } finally {
    restore();
  }
}, 120_000);

async function query(sql: string): Promise<Row[]> {
  return withWarehouse(db, { readOnly: true }, async ({ connection }) =>
    (await connection.runAndReadAll(sql)).getRowObjectsJson(),
  );
}

describe('bronze_events.payload_hash', () => {
  it('equals payload_hash(payload) and sha256(canonical_json(payload)) on every kind of payload', async () => {
    const rows = await query(`
      select
          _offset,
          payload::varchar as payload,
          payload_hash,
          payload_hash(payload) as macro_hash,
          sha256(canonical_json(payload)) as canonical_hash
      from bronze_events
      order by _offset`);
    expect(rows).toHaveLength(Math.max(payloads.length, CREATED_AT.length));
    for (const row of rows) {
      expect(row['payload_hash'], String(row['payload'])).toBe(row['macro_hash']);
      expect(row['payload_hash'], String(row['payload'])).toBe(row['canonical_hash']);
      expect(row['payload_hash']).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('is the same exactly when the content is the same', async () => {
    const rows = await query('select _offset, payload_hash from bronze_events order by _offset');
    const hashesByGroup = new Map<string, Set<unknown>>();
    for (const row of rows) {
      const { group } = payloads[Number(row['_offset']) % payloads.length]!;
      hashesByGroup.set(group, (hashesByGroup.get(group) ?? new Set()).add(row['payload_hash']));
    }
    expect([...hashesByGroup.keys()].sort()).toEqual(Object.keys(PAYLOAD_GROUPS).sort());
    for (const [group, hashes] of hashesByGroup) expect(hashes.size, group).toBe(1);
    const distinct = new Set([...hashesByGroup.values()].map((hashes) => [...hashes][0]));
    expect(distinct.size).toBe(hashesByGroup.size);
  });

  it('of the simulator payload is the SHA-256 of its keys sorted (the fast path), lower-case hex', async () => {
    const sorted = `{"amount":12.5,"currency":"EUR","customer_id":"c-9","event_type":"captured","method":"card","transaction_id":"t-1"}`;
    const [row] = await query(
      `select payload_hash, sha256(${quoteLiteral(sorted)}) as expected
       from bronze_events where payload::varchar = ${quoteLiteral(SIMULATOR)} limit 1`,
    );
    expect(row!['payload_hash']).toBe(row!['expected']);
  });
});

describe('bronze_events.partition_date', () => {
  it('is the UTC date of created_at, from the distant past to infinity', async () => {
    const rows = await query(`
      select
          timezone('UTC', created_at)::varchar as created_at,
          partition_date::varchar as partition_date,
          cast(timezone('UTC', created_at) as date)::varchar as expected
      from bronze_events`);
    expect(new Set(rows.map((row) => row['created_at'])).size).toBe(CREATED_AT.length);
    for (const row of rows)
      expect(row['partition_date'], String(row['created_at'])).toBe(row['expected']);
    expect(rows.find((row) => row['created_at'] === '2025-01-13 22:30:00')).toMatchObject({
      partition_date: '2025-01-13',
    });
  });
});

describe("var('payload_fast_path_keys')", () => {
  it('refuses a key that is not a plain identifier, naming it, before anything runs', async () => {
    await expect(
      build({
        projectDir: copyPipelineProject(join(dir, 'odd-keys-project')),
        dbPath: join(dir, 'odd-keys.duckdb'),
        select: ['bronze_events'],
        vars: { payload_fast_path_keys: ['amount', 'a!b'] },
        print: false,
      }),
    ).rejects.toThrow(
      /models\/bronze\/bronze_events\.sql:\d+: .*var\('payload_fast_path_keys'\): "a!b" is not a plain key \(letters, digits and _ only\), which the canonical JSON fast path needs/,
    );
  });
});
