// What this proves: a simulation landed by `npm run simulate` and killed with SIGKILL at any moment
// (as it starts, or at 20%, 50% and 80% of an uninterrupted run's work) leaves a warehouse that
// opens, and that holds all of the simulation or nothing of it, in `raw_messages` and in the ledger
// (`raw_loads`, `raw_simulations`), never a part; the earlier batch it continues is untouched. Running
// the same simulation again then leaves `raw_messages` and the ledger identical, row for row in
// `_offset` order, to one uninterrupted run into an untouched copy of the same warehouse (each
// message exactly once, offsets continuing the stream without a gap), and removes the staging folder
// that the killed run left behind. Real child processes of `scripts/simulate.ts` (one node process,
// so the kill hits the process holding the warehouse), given a temporary folder (TMPDIR) of the
// test's own, so that the staging folders seen are only theirs. Each kill is checked to have hit a
// running process (it died of the signal), and one more kill comes as the first row group is
// staged, surely mid-landing; a kill that comes after the commit finds the batch landed whole.
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'vitest';
import { it } from './support/fixtures.js';
import { STAGING_OWNER_FILE, STAGING_PREFIXES } from '../src/app/landing/staging-dir.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { quoteIdentifier, quoteLiteral } from '../src/base/warehouse/quote.js';
import { readRows, readCount, readCounts } from './support/read-rows.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The earlier batch in the warehouse, so that the killed simulation continues a stream. */
const BEFORE = { messages: 1_000, seed: 3 } as const;
/** The killed simulation: three row groups in two inserts, enough work that each kill moment falls inside it. */
const SIMULATION = { messages: 300_000, seed: 17 } as const;
/** Kill moments as fractions of the span from process start-up to the end of an uninterrupted run. */
const KILL_FRACTIONS = [0.2, 0.5, 0.8] as const;

function simulateArgs(db: string, run: { messages: number; seed: number }): string[] {
  return ['--db', db, '--messages', String(run.messages), '--seed', String(run.seed)];
}

/** The staging folders in `parent`, each with the pid its owner file names (undefined: none). */
function stagingFolders(parent: string): { name: string; pid: number | undefined }[] {
  return readdirSync(parent)
    .filter((name) => STAGING_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .map((name) => {
      try {
        const owner = JSON.parse(readFileSync(join(parent, name, STAGING_OWNER_FILE), 'utf8')) as {
          pid: number;
        };
        return { name, pid: owner.pid };
      } catch {
        return { name, pid: undefined };
      }
    });
}

/**
 * The rows of `table` that differ between the warehouse and the attached `ref` one, matched on `key`
 * (a row on one side only, or a column with another value: every column but those in `exclude`, the
 * wall-clock times of a run), each with the names of the columns that differ; at most 5.
 */
async function differences(
  connection: DuckDBConnection,
  table: string,
  key: string,
  exclude: readonly string[] = [],
): Promise<Record<string, unknown>[]> {
  const described = await connection.runAndReadAll(`select * from main.${table} limit 0`);
  const columns = described.columnNames().filter((name) => !exclude.includes(name));
  const differs = columns.map((name) => {
    const column = quoteIdentifier(name);
    return { name, sql: `here.${column} is distinct from ref.${column}` };
  });
  return readRows(
    connection,
    `select
         coalesce(here.${key}, ref.${key}) as ${key},
         list_filter([${differs.map(({ name, sql }) => `case when ${sql} then ${quoteLiteral(name)} end`).join(', ')}], name -> name is not null) as columns
     from main.${table} as here
     full join ref.${table} as ref using (${key})
     where ${differs.map(({ sql }) => sql).join(' or ')}
     order by 1
     limit 5`,
  );
}

it(
  'a SIGKILLed simulation leaves all of it or nothing; the re-run lands it exactly once and sweeps its staging folder',
  { timeout: 300_000 },
  async ({ tempDir, runScript, startScript }) => {
    const dir = tempDir();
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const env = { TMPDIR: tmp };
    const total = BEFORE.messages + SIMULATION.messages;

    const base = join(dir, 'base.duckdb');
    expect((await runScript('simulate', simulateArgs(base, BEFORE), { env })).code).toBe(0);

    // Start-up (node, tsx, opening the warehouse) without any landing: 0 messages is refused after the open.
    const startupDb = join(dir, 'startup.duckdb');
    copyFileSync(base, startupDb);
    let started = Date.now();
    const refused = await runScript(
      'simulate',
      simulateArgs(startupDb, { ...SIMULATION, messages: 0 }),
      {
        env,
      },
    );
    const startupMs = Date.now() - started;
    expect(refused.code).toBe(2);

    // The uninterrupted run, into an untouched copy of the warehouse: the reference, and the span.
    const reference = join(dir, 'reference.duckdb');
    copyFileSync(base, reference);
    started = Date.now();
    const uninterrupted = await runScript('simulate', simulateArgs(reference, SIMULATION), { env });
    const fullMs = Date.now() - started;
    expect(uninterrupted.stderr).toBe('');
    expect(uninterrupted.code).toBe(0);
    expect(fullMs - startupMs, 'the run must work well beyond its start-up').toBeGreaterThan(300);

    /**
     * Runs the simulation into a copy of the earlier warehouse and SIGKILLs it `when` (milliseconds
     * after the spawn, or as soon as it has staged its first row group), then checks what the kill
     * left: all of the simulation or nothing of it; re-runs it when nothing; and compares the result
     * with the uninterrupted run. Returns whether the kill hit the process while it ran (it died of
     * the signal) and whether it left its staging folder behind.
     */
    let attempt = 0;
    const killAndRerun = async (
      when: number | 'first row group staged',
    ): Promise<{ hit: boolean; leftStaging: boolean }> => {
      const label = `kill ${attempt} ${when === 'first row group staged' ? `when ${when}` : `after ${Math.round(when)} ms`}`;
      const db = join(dir, `killed-${attempt++}.duckdb`);
      copyFileSync(base, db);
      const run = startScript('simulate', simulateArgs(db, SIMULATION), { env });
      let exited = false;
      run.child.once('exit', () => (exited = true));
      if (when === 'first row group staged') {
        const pid = run.child.pid;
        const staged = (): boolean =>
          stagingFolders(tmp).some((folder) => {
            if (folder.pid !== pid) return false;
            try {
              return readdirSync(join(tmp, folder.name)).some((name) => name.endsWith('.parquet'));
            } catch {
              return false; // removed meanwhile: the run is over
            }
          });
        while (!exited && !staged()) await sleep(5);
      } else {
        await sleep(Math.round(when));
      }
      run.child.kill('SIGKILL');
      const outcome = await run.done;
      // A kill that came too late finds the run finished (exit code 0, no signal).
      const hit = outcome.signal === 'SIGKILL';
      if (!hit) expect(outcome.code, `${label}: ${outcome.stderr}`).toBe(0);
      const leftStaging = stagingFolders(tmp).some(({ pid }) => pid === run.child.pid);

      // After the kill: the warehouse opens, and holds all of the simulation or nothing of it.
      const landed = await withWarehouse(db, {}, async (w) => {
        const [messages, loads, simulations] = await readCounts(w.connection, [
          'select count(*) from raw_messages where _batch_id = 2',
          'select count(*) from raw_loads where batch_id = 2',
          'select count(*) from raw_simulations where batch_id = 2',
        ]);
        expect([messages, loads, simulations], label).toSatisfy(
          ([m, l, s]: number[]) =>
            (m === 0 && l === 0 && s === 0) || (m === SIMULATION.messages && l === 1 && s === 1),
        );
        expect(await readCount(w.connection, 'select count(*) from raw_messages')).toBe(
          BEFORE.messages + messages,
        );
        expect(await readCount(w.connection, 'select count(*) from raw_loads')).toBe(1 + loads);
        expect(await readCount(w.connection, 'select count(*) from raw_rejected')).toBe(0);
        return loads === 1;
      });
      expect(landed || hit, `${label}: a run that finished has landed`).toBe(true);

      // The re-run, when the killed run did not commit (a second run after a commit is a second batch).
      if (!landed) {
        const rerun = await runScript('simulate', simulateArgs(db, SIMULATION), { env });
        expect(rerun.stderr, label).toBe('');
        expect(rerun.code, label).toBe(0);
        expect(rerun.stdout).toMatch(/as batch 2: 300,000 messages/);
        // It removed the killed run's staging folder (its owner is dead) and its own.
        expect(stagingFolders(tmp), `${label}: staging folders after the re-run`).toEqual([]);
      }

      await withWarehouse(db, { readOnly: true }, async (w) => {
        // Each message exactly once, at the offsets after the earlier batch, in line order.
        expect(
          await readRows(
            w.connection,
            `select count(*) as n, count(distinct _offset) as offsets, count(distinct _line) as lines,
                min(_offset) as first, max(_offset) as last,
                count(*) filter (where _offset <> ${BEFORE.messages} + _line) as misplaced,
                count(distinct _loaded_at) as loaded_ats
             from raw_messages where _batch_id = 2`,
          ),
          label,
        ).toEqual([
          {
            n: String(SIMULATION.messages),
            offsets: String(SIMULATION.messages),
            lines: String(SIMULATION.messages),
            first: String(BEFORE.messages + 1),
            last: String(total),
            misplaced: '0',
            loaded_ats: '1',
          },
        ]);
        // Identical to the uninterrupted run: every column but the run's wall-clock times.
        await w.connection.run(`attach ${quoteLiteral(reference)} as ref (read_only)`);
        try {
          expect(await readCount(w.connection, 'select count(*) from raw_messages')).toBe(total);
          expect(await readCount(w.connection, 'select count(*) from ref.raw_messages')).toBe(
            total,
          );
          expect(
            await differences(w.connection, 'raw_messages', '_offset', ['_loaded_at']),
            label,
          ).toEqual([]);
          expect(
            await differences(w.connection, 'raw_loads', 'batch_id', [
              'started_at',
              'finished_at',
              'duration_ms',
            ]),
            label,
          ).toEqual([]);
          expect(await differences(w.connection, 'raw_simulations', 'batch_id'), label).toEqual([]);
        } finally {
          await w.connection.run('detach ref');
        }
      });
      return { hit, leftStaging };
    };

    // As it starts, then at fractions of the uninterrupted run's work. On a busy machine a run can
    // finish before its kill: that run is checked all the same, and the kill is tried again halfway
    // closer to the start-up, so that each moment is proven on a running simulation.
    for (const fraction of [0, ...KILL_FRACTIONS]) {
      let delay = startupMs + fraction * (fullMs - startupMs);
      let hit = false;
      for (let tries = 0; tries < 3 && !hit; tries++) {
        ({ hit } = await killAndRerun(delay));
        delay = startupMs + (delay - startupMs) / 2;
      }
      expect(hit, `a kill at ${fraction} of the work hit a running simulation`).toBe(true);
    }
    // And once surely mid-landing, its first row group staged: the sweep has a folder to remove.
    expect(await killAndRerun('first row group staged')).toEqual({ hit: true, leftStaging: true });
  },
);
