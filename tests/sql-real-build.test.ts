// Against a fresh build of the pipeline project on the default simulation (medium, seed 42, as
// `npm run build-models` lands into an empty warehouse): the SQL of README.md
// runs as written through `npm run sql`'s code path and the investigations find what they
// promise; ad-hoc SQL computes the models' hashes through the macros; the checked-in table types
// match the schema (and the check fails when a model changes its columns); `npm run health`
// reports the build as healthy.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runHealthCommand } from '../src/app/explore/health/run-health.js';
import { build } from '../src/index.js';
import { WAREHOUSE_TYPES_FILE } from '../src/app/explore/kysely/generate-warehouse-types.js';
import { staleWarehouseTypesMessage } from '../src/app/explore/kysely/write-warehouse-types.js';
import { landDefaultSimulationIfEmpty } from '../src/app/landing/land-default-simulation.js';
import { setConsoleSink } from '../src/base/console/console.js';
import { runSqlCommand } from '../src/app/explore/sql/sql-command.js';
import { openWarehouse, withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { captureConsole, type CapturedConsole } from './support/console-capture.js';
import { buildPipeline, copyPipelineProject } from './support/pipeline-build.js';
import { REPO_ROOT } from './support/repo-root.js';
import { suiteTempDirs } from './support/temp-dirs.js';

type Row = Record<string, unknown>;

const dirs = suiteTempDirs();
let dir: string;
let db: string;
let console_: CapturedConsole;
beforeAll(async () => {
  dir = dirs.make('dw-sql-real-');
  db = join(dir, 'w.duckdb');
  const warehouse = await openWarehouse(db);
  try {
    expect((await landDefaultSimulationIfEmpty(warehouse)).landed).toBe(true);
  } finally {
    warehouse.close();
  }
  await buildPipeline({ projectDir: copyPipelineProject(join(dir, 'project')), dbPath: db });
}, 120_000);
beforeEach(() => {
  console_ = captureConsole();
});
afterEach(() => console_.restore());

let outputs = 0;
/**
 * Runs SQL the way `npm run sql -- --format json --output FILE` does and returns each result's
 * rows (statements without a result print nothing in JSON). Fails with DuckDB's message.
 */
async function sqlJson(query: string, dbPath = db, write = false): Promise<Row[][]> {
  const output = join(dir, `out-${++outputs}.json`);
  const errBefore = console_.err.length;
  const code = await runSqlCommand({ dbPath, query, format: 'json', output, write });
  expect(code, `${query}\n${console_.err.slice(errBefore)}`).toBe(0);
  const text = readFileSync(output, 'utf8');
  // Each result is `[\n  {...},\n  {...}\n]\n` (or `[]\n`): only a result's end starts a line with `]`.
  return text
    .split(/(?<=^\]$|^\[\]$)\n/m)
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => JSON.parse(chunk) as Row[]);
}

async function scalar(query: string): Promise<unknown> {
  const [rows] = await sqlJson(query);
  return Object.values(rows![0]!)[0];
}

/** Every ```sql block of README.md, once each. */
function documentedQueries(): string[] {
  const blocks = new Set<string>();
  for (const file of ['README.md']) {
    const path = join(REPO_ROOT, file);
    if (!existsSync(path)) continue;
    for (const match of readFileSync(path, 'utf8').matchAll(/^```sql\n([\s\S]*?)^```$/gm))
      blocks.add(match[1]!.trim());
  }
  return [...blocks];
}

/** What the key investigations must return on the default simulation, found by a phrase of their SQL. */
const INVESTIGATIONS: Record<string, (rows: Row[]) => Promise<void> | void> = {
  'as key_hash_mismatches': (rows) => {
    expect(rows).toEqual([{ key_hash_mismatches: 0, payload_hash_mismatches: 0 }]);
  },
  'as key_order_ignored': (rows) => {
    expect(rows).toEqual([{ key_order_ignored: true, canonical: '{"a":[3,1],"b":{"x":2,"y":1}}' }]);
  },
  'end as fate': async (rows) => {
    // Every copy of the most copied message, in arrival order, each with where it went.
    const maxCopies = await scalar('select max(copies) from audit_duplicates');
    expect(rows).toHaveLength(Number(maxCopies));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const keys = new Set(
      rows.map((r) => `${r['message_id']}|${r['sequence_id']}|${r['partition_id']}`),
    );
    expect(keys.size).toBe(1);
    const offsets = rows.map((r) => Number(r['_offset']));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    const fates = rows.map((r) => r['fate']);
    expect(fates.filter((f) => f === 'kept in silver_events').length).toBeLessThanOrEqual(1);
    expect(fates).toContain('dropped: a later copy');
    for (const fate of fates)
      expect([
        'kept in silver_events',
        'late: silver_late_events',
        'dropped: a later copy',
      ]).toContain(fate);
  },
  'as late_events': async (rows) => {
    expect(rows.length).toBeGreaterThan(0);
    const total = rows.reduce((sum, r) => sum + Number(r['late_events']), 0);
    expect(total).toBe(Number(await scalar('select count(*) from silver_late_events')));
    expect(total).toBeGreaterThan(0);
    for (const r of rows) expect(r['worst_delay']).toMatch(/^\d{2}:\d{2}:\d{2}/);
  },
  "getvariable('n')": (rows) => {
    // n = 1: transactions whose state changed twice (authorized -> captured -> refunded).
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(Number(r['state_changes'])).toBeGreaterThan(1);
      const history = String(r['history']).split(' -> ');
      expect(history).toHaveLength(Number(r['events']));
      const changes = history.filter((type, i) => i > 0 && type !== history[i - 1]).length;
      expect(changes).toBe(Number(r['state_changes']));
    }
  },
  'as counted_once': (rows) => {
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toMatchObject({ counted_once: true });
  },
  'as gold_transactions': (rows) => {
    expect(rows).toEqual([]); // Gold agrees with Silver (the query can fail: see the test below)
  },
  'distinct_payloads > 1': (rows) => {
    expect(rows.length).toBeGreaterThan(0);
    const payloadsPerKey = new Map<string, Set<unknown>>();
    for (const r of rows) {
      const key = `${r['message_id']}|${r['sequence_id']}|${r['partition_id']}`;
      payloadsPerKey.set(key, (payloadsPerKey.get(key) ?? new Set()).add(r['payload_hash']));
    }
    for (const hashes of payloadsPerKey.values()) expect(hashes.size).toBeGreaterThan(1);
  },
};

function findQuery(phrase: string): string {
  const matching = documentedQueries().filter((q) => q.includes(phrase));
  expect(matching, `one documented query containing ${phrase}`).toHaveLength(1);
  return matching[0]!;
}

describe('the documented SQL (README.md)', () => {
  it('holds the investigations, each once', () => {
    expect(documentedQueries().length).toBeGreaterThanOrEqual(Object.keys(INVESTIGATIONS).length);
    for (const phrase of Object.keys(INVESTIGATIONS)) findQuery(phrase);
  });

  it('every block runs as written through npm run sql (read-only)', async () => {
    for (const query of documentedQueries()) {
      const results = await sqlJson(query);
      expect(results.length, query).toBeGreaterThan(0);
    }
  });

  for (const [phrase, check] of Object.entries(INVESTIGATIONS)) {
    it(`the query with "${phrase}" returns what it promises on the default simulation`, async () => {
      const results = await sqlJson(findQuery(phrase));
      expect(results).toHaveLength(1);
      await check(results[0]!);
    });
  }

  it('the Gold-with-Silver reconciliation finds a day and currency whose Gold row is wrong', async () => {
    const tampered = join(dir, 'tampered.duckdb');
    copyFileSync(db, tampered);
    const [changed] = await sqlJson(
      "update gold_daily_revenue set captured_amount = captured_amount + 0.01 where currency = 'EUR' returning day",
      tampered,
      true,
    );
    expect(changed).toHaveLength(1);
    const [rows] = await sqlJson(findQuery('as gold_transactions'), tampered);
    expect(rows).toHaveLength(1);
    const row = rows![0]!;
    expect(row).toMatchObject({ currency: 'EUR', day: changed![0]!['day'] });
    expect(Number(row['gold_captured']) - Number(row['expected_captured'])).toBeCloseTo(0.01, 6);
  });
});

describe('the pipeline macros in ad-hoc SQL', () => {
  it('are installed in the warehouse and callable read-only', async () => {
    const [rows] = await sqlJson(
      `select function_name from duckdb_functions()
       where function_type = 'macro' and function_name in ('composite_hash', 'payload_hash', 'canonical_json')
       order by 1`,
    );
    expect(rows!.map((r) => r['function_name'])).toEqual([
      'canonical_json',
      'composite_hash',
      'payload_hash',
    ]);
  });

  it('recompute every bronze_events hash exactly: zero mismatches', async () => {
    const [rows] = await sqlJson(`
      select
          count(*) as total,
          count(*) filter (where b.composite_hash <> composite_hash(b.message_id, b.sequence_id, b.partition_id)) as key_mismatches,
          count(*) filter (where b.payload_hash <> payload_hash(b.payload)) as payload_mismatches,
          count(*) filter (where b.payload_hash <> payload_hash(r.payload)) as raw_payload_mismatches
      from bronze_events as b
      join raw_messages as r using (_offset)`);
    expect(rows).toEqual([
      { total: 10000, key_mismatches: 0, payload_mismatches: 0, raw_payload_mismatches: 0 },
    ]);
  });

  it('canonical_json gives exactly the text it always gave (nested objects and arrays, escapes, numbers, the fast path and its refusals)', async () => {
    // Pinned outputs: payload_hash values already in Bronze must not change with the macro's
    // formulation, so every canonical text here is the one the first version of the macro gave.
    const cases: [string, string][] = [
      [
        '{"b":1,"a":{"d":[{"z":1,"y":[{"q":{"s":1,"r":2}}]}],"c":2}}',
        '{"a":{"c":2,"d":[{"z":1,"y":[{"q":{"s":1,"r":2}}]}]},"b":1}',
      ],
      ['[3,1,{"b":[],"a":{}}]', '[3,1,{"a":{},"b":[]}]'],
      [
        '{"a":null,"\\u00e9":"\\u00e9","a b":[1.50,1e2,true]}',
        '{"a b":[1.5,100.0,true],"a":null,"é":"é"}',
      ],
      ['{}', '{}'],
      ['[]', '[]'],
      ['null', 'null'],
      ['"x"', '"x"'],
      [
        '{"transaction_id":"t","method":"card","event_type":"captured","customer_id":null,"currency":"EUR","amount":1.5}',
        '{"amount":1.5,"currency":"EUR","customer_id":null,"event_type":"captured","method":"card","transaction_id":"t"}',
      ],
      [
        '{"amount":1,"currency":"EUR","customer_id":"[","event_type":"x","method":"m","transaction_id":"t"}',
        '{"amount":1,"currency":"EUR","customer_id":"[","event_type":"x","method":"m","transaction_id":"t"}',
      ],
      [
        '{"a":{"b":{"c":{"e":1,"d":2}}},"A":[[{"y":1,"x":2}]]}',
        '{"A":[[{"y":1,"x":2}]],"a":{"b":{"c":{"e":1,"d":2}}}}',
      ],
    ];
    const values = cases.map(([payload], i) => `(${i}, '${payload.replaceAll("'", "''")}')`);
    const [rows] = await sqlJson(
      `select canonical_json(payload::json) as canonical, payload_hash(payload::json) as hash
       from (values ${values.join(', ')}) as t(i, payload) order by i`,
    );
    expect(rows!.map((r) => r['canonical'])).toEqual(cases.map(([, canonical]) => canonical));
    expect(rows!.map((r) => r['hash'])).toEqual(
      cases.map(([, canonical]) => createHash('sha256').update(canonical).digest('hex')),
    );
  });

  it('composite_hash is the SHA-256 of message_id|sequence_id|partition_id (checked with node:crypto)', async () => {
    const [rows] = await sqlJson(
      `select message_id, sequence_id, partition_id,
              composite_hash(message_id, sequence_id, partition_id) as adhoc, composite_hash as model
       from bronze_events`,
    );
    expect(rows).toHaveLength(10000);
    for (const r of rows!) {
      const expected = createHash('sha256')
        .update(`${r['message_id']}|${r['sequence_id']}|${r['partition_id']}`)
        .digest('hex');
      expect([r['adhoc'], r['model']]).toEqual([expected, expected]);
    }
  });
});

describe('the read-only guarantee on the built warehouse', () => {
  it('refuses DELETE FROM bronze_events with a clear message and loses nothing', async () => {
    expect(await runSqlCommand({ dbPath: db, query: 'delete from bronze_events' })).toBe(1);
    expect(console_.err).toContain('the warehouse is opened read-only; pass --write to modify it');
    expect(await scalar('select count(*) from bronze_events')).toBe(10000);
  });
});

describe(`${WAREHOUSE_TYPES_FILE}`, () => {
  const typesFile = join(REPO_ROOT, WAREHOUSE_TYPES_FILE);

  it('matches the relations a build of the project creates (else run `npm run gen-types`)', async () => {
    const message = await withWarehouse(db, { readOnly: true }, ({ connection }) =>
      staleWarehouseTypesMessage(connection, typesFile),
    );
    expect(message, message ?? '').toBeNull();
  });

  it('is reported out of date when a model changes its columns and the types were not regenerated', async () => {
    const changedDb = join(dir, 'changed.duckdb');
    copyFileSync(db, changedDb);
    const project = copyPipelineProject(join(dir, 'changed-project'));
    const model = join(project, 'models/gold/gold_daily_revenue.sql');
    const sql = readFileSync(model, 'utf8');
    expect(sql).toMatch(/select \* from final\s*$/);
    writeFileSync(
      model,
      sql.replace(/select \* from final\s*$/, "select *, 'x' as review_note from final\n"),
    );
    const restore = setConsoleSink({ out: () => {}, err: () => {} });
    try {
      const result = await build({
        projectDir: project,
        dbPath: changedDb,
        select: ['gold_daily_revenue'],
      });
      expect(result.exitCode).toBe(0);
    } finally {
      restore();
    }
    const message = await withWarehouse(changedDb, { readOnly: true }, ({ connection }) =>
      staleWarehouseTypesMessage(connection, typesFile),
    );
    expect(message).toContain('is out of date');
    expect(message).toContain('gold_daily_revenue: column review_note (VARCHAR) is new');
    expect(message).toContain('npm run gen-types');
  });
});

describe('npm run health on the built warehouse', () => {
  it('reports every reconciliation check passed (exit 0), readable and as JSON', async () => {
    expect(await runHealthCommand({ dbPath: db })).toBe(0);
    expect(console_.out).toMatch(/^Health \(audit_health\)$/m);
    expect(console_.out).toMatch(/^ {2}total_messages +10,000 +— +ok$/m);
    expect(console_.out).toMatch(/^ {2}bronze_rows = landed_rows +10,000 +10,000 +passed$/m);
    expect(console_.out).toMatch(/^all \d+ reconciliation checks passed; 14 metrics ok\.$/m);
    console_.out = '';
    expect(await runHealthCommand({ dbPath: db, json: true })).toBe(0);
    const report = JSON.parse(console_.out) as {
      ok: boolean;
      failedChecks: number;
      metrics: { metric: string; value: unknown }[];
      checks: { passed: boolean }[];
    };
    expect(report.ok).toBe(true);
    expect(report.failedChecks).toBe(0);
    expect(report.checks.length).toBeGreaterThan(5);
    expect(report.checks.every((c) => c.passed)).toBe(true);
    expect(report.metrics).toContainEqual(
      expect.objectContaining({ metric: 'total_messages', value: 10000 }),
    );
  });
});
