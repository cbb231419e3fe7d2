import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultHistoryPath, runSqlPrompt } from '../src/app/explore/sql/sql-prompt.js';
import { runSqlCommand } from '../src/app/explore/sql/sql-command.js';
import { SqlSession } from '../src/app/explore/sql/sql-session.js';
import { openWarehouse, type Warehouse } from '../src/base/warehouse/open-warehouse.js';
import { captureConsole, type CapturedConsole } from './support/console-capture.js';
import { makeFixtureWarehouse } from './sql-setup.js';

let fixture: Awaited<ReturnType<typeof makeFixtureWarehouse>>;
let warehouse: Warehouse;
let console_: CapturedConsole;
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

/** Resolves once `condition` holds (polled every `every` ms, for at most 10 s). */
async function until(condition: () => boolean, every = 10): Promise<void> {
  for (let waited = 0; !condition(); waited += every) {
    if (waited > 10_000) throw new Error('timed out waiting for the prompt');
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

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
    await drive([
      '.mode json',
      'select 1 as a;',
      '.mode markdown',
      'select 2 as b;',
      '.mode table',
      'select 3 as c;',
      '.mode',
      '.mode xml',
    ]);
    expect(console_.out).toContain('[\n  {"a":1}\n]\n');
    expect(console_.out).toContain('| b |\n|---:|\n| 2 |\n');
    expect(console_.out).toMatch(/│ +c +│\n│ integer │\n├─+┤\n│ +3 │\n└─+┘\n1 row \(/);
    expect(console_.out).toContain('mode: table');
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

  it('.schema matches the name without regard to case, as DuckDB does', async () => {
    await drive(['.schema DAILY']);
    expect(console_.out).toMatch(/CREATE VIEW daily AS SELECT/i);
    expect(console_.err).toBe('');
  });

  it("recalls the previous session's statements from the history file (up arrow)", async () => {
    const historyPath = join(fixture.dir, 'history');
    writeFileSync(historyPath, 'select 40 as oldest;\nselect 41 as newest;\n');
    const input = new PassThrough();
    const done = runSqlPrompt(new SqlSession(warehouse.connection, { format: 'csv' }), {
      input,
      output: new PassThrough(),
      terminal: true,
      historyPath,
    });
    input.write('\x1b[A\r'); // up arrow: the newest entry
    input.write('\x1b[A\x1b[A\r'); // twice: the one before it (the just-run entry is the newest now)
    input.end();
    await done;
    expect(console_.out).toBe('newest\n41\noldest\n40\n');
    expect(readFileSync(historyPath, 'utf8').trim().split('\n')).toEqual([
      'select 41 as newest;',
      'select 40 as oldest;',
    ]);
  });

  it('keeps a statement typed over several lines as one history entry', async () => {
    const historyPath = join(fixture.dir, 'history');
    const input = new PassThrough();
    const done = runSqlPrompt(new SqlSession(warehouse.connection, { format: 'csv' }), {
      input,
      output: new PassThrough(),
      terminal: true,
      historyPath,
    });
    input.write('select 1 as a,\r');
    input.write('    2 as b;\r');
    await until(() => console_.out === 'a,b\n1,2\n');
    input.write('\x1b[A\r'); // up arrow: the whole statement again
    input.end();
    await done;
    expect(console_.out).toBe('a,b\n1,2\na,b\n1,2\n');
    expect(readFileSync(historyPath, 'utf8')).toBe('select 1 as a, 2 as b;\n');
  });

  it('Ctrl-C clears a statement being typed; the prompt goes on', async () => {
    const input = new PassThrough();
    const done = runSqlPrompt(new SqlSession(warehouse.connection, { format: 'csv' }), {
      input,
      output: new PassThrough(),
      terminal: true,
      historyPath: null,
    });
    input.write('select 1 as discarded,\r');
    input.write('\x03');
    input.write('select 2 as kept;\r');
    input.end();
    expect(await done).toBe(0);
    expect(console_.out).toBe('kept\n2\n');
  });

  it('Ctrl-C interrupts a running query, which fails; the prompt goes on', async () => {
    class WatchedSession extends SqlSession {
      started = false;
      override async runScript(script: string): Promise<boolean> {
        this.started = true;
        return super.runScript(script);
      }
    }
    const session = new WatchedSession(warehouse.connection, { format: 'csv' });
    const input = new PassThrough();
    const done = runSqlPrompt(session, {
      input,
      output: new PassThrough(),
      terminal: true,
      historyPath: null,
    });
    input.write('select sum(range) as endless from range(100000000000);\r');
    await until(() => session.started);
    // Ctrl-C until DuckDB reports the interruption (one press is enough once the query runs;
    // a press before DuckDB started it would be missed, so a busy machine cannot fail the test).
    await until(() => {
      if (!/INTERRUPT/i.test(console_.err)) input.write('\x03');
      return /INTERRUPT/i.test(console_.err);
    }, 100);
    input.write('select 3 as after;\r');
    input.end();
    expect(await done).toBe(1);
    expect(console_.err).toMatch(/INTERRUPT/i);
    expect(console_.out).toBe('after\n3\n');
  }, 20_000);

  it('exits 1 when a statement of piped input failed (a script), 0 at a terminal (a person saw it)', async () => {
    warehouse.close();
    const piped = await runSqlCommand({
      dbPath: fixture.db,
      format: 'csv',
      prompt: {
        input: Readable.from(['select nope;\nselect 1 as still_run;\n']),
        historyPath: null,
      },
    });
    expect(piped).toBe(1);
    expect(console_.out).toBe('still_run\n1\n');
    const input = new PassThrough();
    const typed = runSqlCommand({
      dbPath: fixture.db,
      prompt: { input, output: new PassThrough(), terminal: true, historyPath: null },
    });
    input.end('select nope;\r');
    expect(await typed).toBe(0);
    expect(console_.err.match(/Referenced column "nope"/g)).toHaveLength(2);
  });

  it('says to use .maxrows (not --max-rows) when the prompt cuts a result', async () => {
    warehouse.close();
    await runSqlCommand({
      dbPath: fixture.db,
      prompt: { input: Readable.from(['select * from bronze_events;\n']), historyPath: null },
    });
    expect(console_.out).toContain('(showing 40 of 100 rows; use .maxrows to see more)');
  });

  it('keeps history in DEDUP_WAREHOUSE_HISTORY or ~/.dedup_warehouse_history', () => {
    expect(defaultHistoryPath({ DEDUP_WAREHOUSE_HISTORY: '/x/h' })).toBe('/x/h');
    expect(defaultHistoryPath({ DEDUP_WAREHOUSE_HISTORY: '' })).toBeNull();
    expect(defaultHistoryPath({})).toMatch(/\.dedup_warehouse_history$/);
  });
});
