import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultHistoryPath, runSqlPrompt } from '../src/sql/sql-prompt.js';
import { runSqlCommand } from '../src/sql/sql-command.js';
import { SqlSession } from '../src/sql/sql-session.js';
import { openWarehouse, type Warehouse } from '../src/warehouse/open-warehouse.js';
import { captureConsole, makeFixtureWarehouse, type Captured } from './sql-setup.js';

let fixture: Awaited<ReturnType<typeof makeFixtureWarehouse>>;
let warehouse: Warehouse;
let console_: Captured;
beforeEach(async () => {
  fixture = await makeFixtureWarehouse('dw-prompt-');
  warehouse = await openWarehouse(fixture.db, { readOnly: true });
  console_ = captureConsole();
});
afterEach(() => {
  console_.restore();
  warehouse.close();
  fixture.cleanup();
});

/** Drives the prompt with scripted lines (no TTY) and returns the number of failed statements. */
const drive = (lines: string[], session = new SqlSession(warehouse.connection)) =>
  runSqlPrompt(session, { input: Readable.from([lines.join('\n') + '\n']), historyPath: null });

describe('the sql prompt', () => {
  it('collects multi-line input until a ; outside quotes, then runs it', async () => {
    await drive(['.mode csv', "select ';' as s,", '  count(*) as n', 'from bronze_events', ';']);
    expect(console_.out).toBe('s,n\n;,100\n');
  });

  it('.tables lists tables and views', async () => {
    await drive(['.mode csv', '.tables']);
    expect(console_.out).toBe('name,kind\nbronze_events,base table\ndaily,view\n');
  });

  it('.schema NAME shows the CREATE statement; an unknown name is reported', async () => {
    await drive(['.schema daily', '.schema nope']);
    expect(console_.out).toMatch(/CREATE VIEW daily AS SELECT/i);
    expect(console_.err).toContain("No table or view named 'nope'");
  });

  it('.schema without a name shows every relation', async () => {
    await drive(['.schema']);
    expect(console_.out).toMatch(/CREATE TABLE bronze_events\([\s\S]*CREATE VIEW daily/i);
  });

  it('.mode switches the format and rejects unknown ones', async () => {
    await drive(['.mode json', 'select 1 as a;', '.mode markdown', 'select 2 as b;', '.mode xml']);
    expect(console_.out).toContain('[\n  {"a":1}\n]\n');
    expect(console_.out).toContain('| b |\n|---:|\n| 2 |\n');
    expect(console_.err).toContain("Unknown mode 'xml'");
  });

  it('.maxrows limits the rows shown', async () => {
    await drive(['.maxrows 3', 'select * from bronze_events;', '.maxrows x']);
    expect(console_.out).toContain('(showing 3 of 100 rows; use --max-rows to see more)');
    expect(console_.err).toContain('.maxrows needs a whole number');
  });

  it('.help lists the commands and says the warehouse is read-only', async () => {
    await drive(['.help']);
    expect(console_.out).toContain('.schema [NAME]');
    expect(console_.out).toContain('read-only');
  });

  it('.quit and .exit stop reading input', async () => {
    await drive(['.mode csv', '.quit', 'select 1 as after_quit;']);
    expect(console_.out).toBe('');
    await drive(['.mode csv', '.exit', 'select 1 as after_exit;']);
    expect(console_.out).toBe('');
  });

  it('keeps going after a SQL error and counts failures', async () => {
    const failures = await drive([
      '.mode csv',
      'select nope;',
      'delete from bronze_events;',
      'select 7 as ok;',
    ]);
    expect(failures).toBe(2);
    expect(console_.err).toMatch(/LINE 1: select nope;?\n\s+\^/);
    expect(console_.err).toContain('pass --write');
    expect(console_.out).toBe('ok\n7\n');
  });

  it('ends at end of input (Ctrl-D) and reports an unfinished statement', async () => {
    await drive(['.mode csv', 'select 1']);
    expect(console_.err).toContain('missing ;');
  });

  it('reports unknown dot-commands', async () => {
    await drive(['.frobnicate']);
    expect(console_.err).toContain("Unknown command '.frobnicate'");
  });

  it('persists history in terminal mode', async () => {
    const historyPath = join(fixture.dir, 'history');
    const input = new PassThrough();
    const done = runSqlPrompt(new SqlSession(warehouse.connection, { format: 'csv' }), {
      input,
      output: new PassThrough(),
      terminal: true,
      historyPath,
    });
    input.write('select 42 as answer;\r');
    input.end();
    await done;
    expect(console_.out).toContain('answer\n42\n');
    expect(readFileSync(historyPath, 'utf8')).toContain('select 42 as answer;');
  });

  it('opens from runSqlCommand when no query is given', async () => {
    warehouse.close();
    const code = await runSqlCommand({
      dbPath: fixture.db,
      format: 'csv',
      prompt: { input: Readable.from(['select 5 as five;\n']), historyPath: null },
    });
    expect(code).toBe(0);
    expect(console_.out).toBe('five\n5\n');
  });

  it('keeps history in DEDUP_WAREHOUSE_HISTORY or ~/.dedup_warehouse_history', () => {
    expect(defaultHistoryPath({ DEDUP_WAREHOUSE_HISTORY: '/x/h' })).toBe('/x/h');
    expect(defaultHistoryPath({ DEDUP_WAREHOUSE_HISTORY: '' })).toBeNull();
    expect(defaultHistoryPath({})).toMatch(/\.dedup_warehouse_history$/);
  });
});
