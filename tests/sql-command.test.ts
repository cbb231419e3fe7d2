import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdWarehouse } from './support/warehouse-holder.js';
import { runSqlCommand } from '../src/app/explore/sql/sql-command.js';
import { WarehouseError } from '../src/base/warehouse/warehouse-error.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { runScript } from './support/run-script.js';
import { captureConsole, type CapturedConsole } from './support/console-capture.js';
import { makeFixtureWarehouse } from './sql-setup.js';

let fixture: Awaited<ReturnType<typeof makeFixtureWarehouse>>;
let console_: CapturedConsole;
beforeEach(async () => {
  fixture = await makeFixtureWarehouse('dw-sql-');
  console_ = captureConsole();
});
afterEach(() => {
  console_.restore();
  fixture.cleanup();
});

const sql = (query: string, extra: Partial<Parameters<typeof runSqlCommand>[0]> = {}) =>
  runSqlCommand({ dbPath: fixture.db, query, ...extra });

describe('npm run sql: output formats', () => {
  it('prints an aligned table with names, types, row count and time', async () => {
    expect(await sql('select _offset, note from bronze_events where _offset < 2 order by 1')).toBe(
      0,
    );
    const lines = console_.out.split('\n');
    expect(lines[1]).toMatch(/│ _offset │ +note +│/);
    expect(lines[2]).toMatch(/│ +bigint +│ +varchar +│/);
    expect(console_.out).toMatch(/│ +0 │ NULL +│/);
    expect(console_.out).toMatch(/│ +1 │ v1 +│/);
    expect(console_.out).toMatch(/^2 rows \(\d+\.\d{3} s\)$/m);
  });

  it('cuts long results at --max-rows with a note (default 40)', async () => {
    await sql('select * from bronze_events');
    expect(console_.out).toContain('(showing 40 of 100 rows; use --max-rows to see more)');
    expect(console_.out.match(/^│ +\d+ │/gm)).toHaveLength(40);
    console_.out = '';
    await sql('select * from bronze_events', { maxRows: 5 });
    expect(console_.out).toContain('(showing 5 of 100 rows; use --max-rows to see more)');
    console_.out = '';
    await sql('select * from bronze_events', { maxRows: null });
    expect(console_.out).not.toContain('showing');
    expect(console_.out).toContain('100 rows');
  });

  it('writes RFC 4180 CSV with NULL as an empty field and quoted special characters', async () => {
    await sql(
      `select 1 as id, 'a,b' as c1, 'say "hi"' as c2, null as c3, '' as c4, 'two' || chr(10) || 'lines' as c5`,
      { format: 'csv' },
    );
    expect(console_.out).toBe('id,c1,c2,c3,c4,c5\n1,"a,b","say ""hi""",,"","two\nlines"\n');
  });

  it('writes JSON with exact BIGINT, DECIMAL as string, UTC timestamps, lists, structs and NULL', async () => {
    await sql(
      `select 9007199254740993::bigint as big, 12.50::decimal(10,2) as price,
              timestamptz '2024-01-02 03:04:05.123456+00' as at, date '2024-01-02' as day,
              [1, null, 3] as list, {'k': 'v', 'n': 2} as obj, null::varchar as nothing`,
      { format: 'json' },
    );
    expect(console_.out).toBe(
      '[\n  {"big":9007199254740993,"price":"12.50","at":"2024-01-02T03:04:05.123456Z","day":"2024-01-02",' +
        '"list":[1,null,3],"obj":{"k":"v","n":2},"nothing":null}\n]\n',
    );
    expect(console_.out).toContain('9007199254740993'); // not rounded to ...992
  });

  it('prints infinite dates and timestamps as infinity, and pre-1970 instants exactly', async () => {
    const query = `select 'infinity'::date as d, '-infinity'::timestamptz as t,
                          timestamptz '1969-12-31 23:59:59.9995+00' as pre`;
    await sql(query, { format: 'json' });
    expect(console_.out).toBe(
      '[\n  {"d":"infinity","t":"-infinity","pre":"1969-12-31T23:59:59.9995Z"}\n]\n',
    );
    console_.out = '';
    await sql(query, { format: 'csv' });
    expect(console_.out).toBe('d,t,pre\ninfinity,-infinity,1969-12-31 23:59:59.9995+00\n');
  });

  it('prints all rows in csv/json unless --max-rows is given, then notes the cut on stderr', async () => {
    await sql('select _offset from bronze_events', { format: 'json' });
    expect(JSON.parse(console_.out)).toHaveLength(100);
    console_.out = '';
    await sql('select _offset from bronze_events', { format: 'csv', maxRows: 3 });
    expect(console_.out).toBe('_offset\n0\n1\n2\n');
    expect(console_.err).toContain('(showing 3 of 100 rows; use --max-rows to see more)');
  });

  it('writes a markdown table with escaped pipes', async () => {
    await sql("select 1 as n, 'a|b' as s", { format: 'markdown' });
    expect(console_.out).toContain('| n | s |\n|---:|---|\n| 1 | a\\|b |\n');
  });

  it('writes results to --output instead of stdout', async () => {
    const out = join(fixture.dir, 'out.csv');
    expect(await sql('select 1 as a; select 2 as b', { format: 'csv', output: out })).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('a\n1\nb\n2\n');
    expect(console_.out).toBe('');
  });
});

describe('npm run sql: statements and files', () => {
  it('runs several statements and prints each result', async () => {
    await sql("select 'first' as x; select 'second' as y;", { format: 'csv' });
    expect(console_.out).toBe('x\nfirst\ny\nsecond\n');
  });

  it('prints OK for statements without a result (SET, BEGIN, CREATE)', async () => {
    await sql('set threads = 1; begin; commit', { write: true });
    expect(console_.out).toMatch(
      /^OK \(\d+\.\d{3} s\)\nOK \(\d+\.\d{3} s\)\nOK \(\d+\.\d{3} s\)\n$/,
    );
  });

  it('runs a file with -f', async () => {
    const file = join(fixture.dir, 'q.sql');
    writeFileSync(
      file,
      "-- a comment; with a semicolon\nselect count(*) as n from bronze_events;\nselect ';' as s;\n",
    );
    expect(await runSqlCommand({ dbPath: fixture.db, file, format: 'csv' })).toBe(0);
    expect(console_.out).toBe('n\n100\ns\n;\n');
  });

  it("shows a syntax error as DuckDB's parser message with its position marker", async () => {
    expect(await sql('selec 1')).toBe(1);
    expect(console_.err).toMatch(
      /^error: SQL failed: Parser Error: syntax error at or near "selec"\n\nLINE 1: selec 1\n {8}\^/m,
    );
  });

  it('names a missing -f file', async () => {
    await expect(
      runSqlCommand({ dbPath: fixture.db, file: join(fixture.dir, 'nope.sql') }),
    ).rejects.toThrow(/nope\.sql does not exist/);
  });

  it('shows a SQL error with its position marker, exits 1 and stops at the failing statement', async () => {
    const code = await sql("select 1 as a; select nope from bronze_events; select 'after' as z", {
      format: 'csv',
    });
    expect(code).toBe(1);
    expect(console_.err).toContain('statement 2, line 1');
    expect(console_.err).toContain('Referenced column "nope" not found');
    expect(console_.err).toMatch(/LINE 1: select nope from bronze_events\n +\^/);
    expect(console_.out).toBe('a\n1\n');
  });
});

describe('npm run sql: safety', () => {
  const count = async (): Promise<bigint> =>
    withWarehouse(fixture.db, { readOnly: true }, async ({ connection }) => {
      const reader = await connection.runAndReadAll('select count(*) from bronze_events');
      return reader.getRows()[0]![0] as bigint;
    });

  it('is read-only by default: DELETE fails with a clear message and no row is lost', async () => {
    expect(await sql('delete from bronze_events')).toBe(1);
    expect(console_.err).toContain('the warehouse is opened read-only; pass --write to modify it');
    expect(console_.err).toMatch(/read-only mode/); // DuckDB's own text follows
    expect(await count()).toBe(100n);
  });

  it('modifies the warehouse with --write', async () => {
    expect(await sql('delete from bronze_events where _offset < 10', { write: true })).toBe(0);
    expect(console_.out).toContain('Count');
    expect(await count()).toBe(90n);
  });

  it('never creates a warehouse, even with --write (a mistyped --db leaves no file behind)', async () => {
    const typo = join(fixture.dir, 'typo.duckdb');
    const error = await runSqlCommand({ dbPath: typo, query: 'select 1', write: true }).catch(
      (e: unknown) => e,
    );
    expect((error as WarehouseError).reason).toBe('missing');
    expect((error as Error).message).toContain('typo.duckdb does not exist');
    expect(existsSync(typo)).toBe(false);
  });

  it('names an unwritable --output and an unreadable -f, leaving the warehouse closed', async () => {
    await expect(
      sql('select 1', { output: join(fixture.dir, 'no-such-dir', 'out.csv') }),
    ).rejects.toThrow(/Cannot write --output .*no-such-dir/);
    await expect(runSqlCommand({ dbPath: fixture.db, file: fixture.dir })).rejects.toThrow(
      /Cannot read SQL file .*EISDIR/,
    );
    // Closed: this process (or another) can open it for writing again.
    expect(await sql('select 1', { write: true })).toBe(0);
  });

  it('reports a missing warehouse as a WarehouseError (exit 2)', async () => {
    const error = await runSqlCommand({
      dbPath: join(fixture.dir, 'none.duckdb'),
      query: 'select 1',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as WarehouseError).reason).toBe('missing');
  });

  it('reports a warehouse held by another process as busy', async () => {
    const holder = await holdWarehouse(fixture.db);
    try {
      const error = await sql('select 1').catch((e: unknown) => e);
      expect((error as WarehouseError).reason).toBe('busy');
      expect((error as Error).message).toContain(`process ${holder.pid}`);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('scripts/sql.ts (the CLI)', () => {
  const run = (args: string[]) => runScript('sql', args);

  it('exits 0 with results, 1 on a SQL error, 2 on a missing warehouse, without stack traces', async () => {
    const ok = await run([
      '--db',
      fixture.db,
      '--format',
      'csv',
      'select count(*) as n from bronze_events',
    ]);
    expect(ok.stdout).toBe('n\n100\n');
    expect(ok.code).toBe(0);
    const bad = await run(['--db', fixture.db, 'delete from bronze_events']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('pass --write');
    const missing = await run(['--db', join(fixture.dir, 'none.duckdb'), 'select 1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.duckdb does not exist/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const badFlag = await run(['--db', fixture.db, '--format', 'xml', 'select 1']);
    expect(badFlag.code).toBe(2);
  });

  it('takes -f, --max-rows, --format and --output together; rejects a bad --max-rows', async () => {
    const file = join(fixture.dir, 'q.sql');
    const out = join(fixture.dir, 'out.md');
    writeFileSync(file, 'select _offset from bronze_events order by _offset;\n');
    const ok = await run([
      '--db',
      fixture.db,
      '-f',
      file,
      '--max-rows',
      '2',
      '--format',
      'markdown',
      '-o',
      out,
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(
      '| _offset |\n|---:|\n| 0 |\n| 1 |\n100 rows (showing 2 of 100 rows; use --max-rows to see more) ' +
        readFileSync(out, 'utf8').match(/\(\d+\.\d{3} s\)\n$/)![0],
    );
    const all = await run(['--db', fixture.db, '--max-rows', 'all', 'select * from bronze_events']);
    expect(all.stdout.match(/^│ +\d+ │/gm)).toHaveLength(100);
    expect(all.stdout).toMatch(/^100 rows \(\d+\.\d{3} s\)$/m);
    const zero = await run(['--db', fixture.db, '--max-rows', '0', 'select * from bronze_events']);
    expect(zero.stdout.match(/^│ +\d+ │/gm)).toHaveLength(100);
    const bad = await run(['--db', fixture.db, '--max-rows', 'lots', 'select 1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--max-rows <n>' argument 'lots' is invalid");
  });

  it('takes a query that opens with a -- comment as the query, not as an unknown option', async () => {
    const commented = await run([
      '--db',
      fixture.db,
      '--format',
      'csv',
      '-- a note\nselect 7 as n',
    ]);
    expect(commented.stderr).toBe('');
    expect(commented.stdout).toBe('n\n7\n');
    expect(commented.code).toBe(0);
    const stillAnOption = await run(['--db', fixture.db, '--no-such-flag', 'select 1']);
    expect(stillAnOption.code).toBe(2);
    expect(stillAnOption.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('runs against --db :memory: (an in-memory warehouse cannot be read-only), --write or not', async () => {
    const plain = await run(['--db', ':memory:', '--format', 'csv', 'select 1 as one']);
    expect(plain.stderr).toBe('');
    expect(plain.stdout).toBe('one\n1\n');
    expect(plain.code).toBe(0);
    const written = await run([
      '--db',
      ':memory:',
      '--write',
      '--format',
      'csv',
      'create table t as select 2 as two; select two from t',
    ]);
    expect(written.stdout).toContain('two\n2\n');
    expect(written.code).toBe(0);
  });
});
