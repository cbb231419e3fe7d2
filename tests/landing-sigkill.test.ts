// A load killed with SIGKILL at any moment leaves nothing of its file (one transaction per file),
// and a re-run lands each line exactly once, at offsets after the ones already landed. Real child
// processes of `scripts/load.ts` (one node process, so the kill hits the process holding the
// warehouse) on a 150,000-line file, killed as the load starts and at moments spread over an
// uninterrupted load.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { it } from './support/fixtures.js';
import { writeSimulationJsonl } from '../src/app/landing/write-simulation-jsonl.js';
import { loadFile } from '../src/app/landing/load-file.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { messageLine } from './support/landing-messages.js';
import { readRows, readCount, readCounts } from './support/read-rows.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Kill moments as fractions of the span from process start-up to the end of an uninterrupted load. */
const KILL_FRACTIONS = [0.35, 0.7] as const;

it(
  'a SIGKILL mid-load leaves nothing of the file; the re-run lands each line exactly once',
  { timeout: 240_000 },
  async ({ tempDir, runScript, startScript }) => {
    const dir = tempDir();
    const big = join(dir, 'big.jsonl');
    const { truth } = await writeSimulationJsonl(big, {
      messages: 150_000,
      seed: 21,
      malformedRate: 0.01,
    });
    const accepted = truth.messages;
    const rejected = truth.malformed_lines;
    const lines = accepted + rejected;

    // A warehouse that already holds 3 messages: the big file's offsets must start at 4.
    const base = join(dir, 'base.duckdb');
    await withWarehouse(base, {}, async (w) => {
      const before = join(dir, 'before.jsonl');
      writeFileSync(
        before,
        ['a', 'b', 'c'].map((id) => messageLine({ message_id: id })).join('\n') + '\n',
      );
      expect(await loadFile(w, before)).toMatchObject({ status: 'landed', lastOffset: 3 });
    });

    // Start-up (node, tsx, opening the warehouse) without any load.
    let started = Date.now();
    const startupCopy = join(dir, 'startup.duckdb');
    copyFileSync(base, startupCopy);
    expect((await runScript('load', ['--db', startupCopy, join(dir, 'missing.jsonl')])).code).toBe(
      1,
    );
    const startupMs = Date.now() - started;

    let attempt = 0;
    let hits = 0;
    /**
     * Kills a load of the big file `killAfter` ms after its spawn, checks what the kill left, re-runs
     * the load and checks the result; returns whether the kill hit a running load and how long the
     * uninterrupted re-run took.
     */
    const killAndCheck = async (killAfter: number): Promise<{ hit: boolean; rerunMs: number }> => {
      const db = join(dir, `killed-${attempt++}.duckdb`);
      copyFileSync(base, db);
      const run = startScript('load', ['--db', db, big]);
      await sleep(killAfter);
      const killed = run.child.kill('SIGKILL'); // false when the load already finished
      const outcome = await run.done;

      // After the kill: all of the file or nothing of it, never a part.
      const landedBefore = await withWarehouse(db, {}, async (w) => {
        const [messages, loads, rejects] = await readCounts(w.connection, [
          "select count(*) from raw_messages where _source = 'big.jsonl'",
          "select count(*) from raw_loads where source = 'big.jsonl'",
          "select count(*) from raw_rejected where _source = 'big.jsonl'",
        ]);
        expect([messages, rejects, loads]).toSatisfy(
          ([m, r, l]: number[]) =>
            (m === 0 && r === 0 && l === 0) || (m === accepted && r === rejected && l === 1),
        );
        expect(await readCount(w.connection, 'select count(*) from raw_messages')).toBe(
          3 + messages,
        );
        return loads === 1;
      });
      if (!landedBefore) {
        expect(outcome.signal).toBe('SIGKILL');
      } else if (!killed) {
        expect(outcome.code).toBe(0);
      }

      // The re-run: lands the file, or refuses it when the killed run had already committed it.
      started = Date.now();
      const rerun = await runScript('load', ['--db', db, big]);
      const rerunMs = Date.now() - started;
      if (landedBefore) {
        expect(rerun.code).toBe(1);
        expect(rerun.stderr).toMatch(/already landed as batch 2/);
      } else {
        expect(rerun.stderr).toBe('');
        expect(rerun.code).toBe(0);
        expect(rerun.stdout).toMatch(/big\.jsonl: batch 2, 150,000 accepted, [\d,]+ rejected in/);
      }

      await withWarehouse(db, { readOnly: true }, async (w) => {
        const [landed] = await readRows(
          w.connection,
          `select count(*) as n, count(distinct _line) as lines, count(distinct _offset) as offsets,
            min(_offset) as first, max(_offset) as last,
            count(*) filter (where _offset <> 3 + rank) as misordered
         from (select *, row_number() over (order by _line) as rank from raw_messages where _source = 'big.jsonl')`,
        );
        expect(landed).toEqual({
          n: String(accepted),
          lines: String(accepted),
          offsets: String(accepted),
          first: '4',
          last: String(3 + accepted),
          misordered: '0',
        });
        expect(
          await readCount(
            w.connection,
            'select count(distinct _offset) = count(*) and max(_offset) = count(*) from raw_messages',
          ),
        ).toBe(1);
        expect(
          await readCount(
            w.connection,
            `select count(distinct _line) from (
              select _line from raw_messages where _source = 'big.jsonl'
              union all select _line from raw_rejected where _source = 'big.jsonl')`,
          ),
        ).toBe(lines);
        expect(
          await readCount(
            w.connection,
            "select count(*) from raw_rejected where _source = 'big.jsonl'",
          ),
        ).toBe(rejected);
        expect(
          await readRows(
            w.connection,
            "select batch_id, lines_read, accepted, rejected, first_offset, last_offset from raw_loads where source = 'big.jsonl'",
          ),
        ).toEqual([
          {
            batch_id: '2',
            lines_read: String(lines),
            accepted: String(accepted),
            rejected: String(rejected),
            first_offset: '4',
            last_offset: String(3 + accepted),
          },
        ]);
      });
      return { hit: !landedBefore, rerunMs };
    };

    // The first kill comes as the load starts; its re-run, uninterrupted, gives the span for the others.
    const first = await killAndCheck(startupMs);
    if (first.hit) hits++;
    const fullMs = first.rerunMs;
    // On a busy machine a load can end before its kill: then it is checked all the same, and the
    // kill is tried again halfway closer to start-up (at most 3 times per moment).
    for (const fraction of KILL_FRACTIONS) {
      let f: number = fraction;
      for (let retry = 0; retry < 3; retry++) {
        const { hit } = await killAndCheck(Math.round(startupMs + f * (fullMs - startupMs)));
        if (hit) {
          hits++;
          break;
        }
        f /= 2;
      }
    }
    // Proving too little otherwise: most kills must hit a running load.
    expect(
      hits,
      `kills that hit a running load, of ${KILL_FRACTIONS.length + 1}`,
    ).toBeGreaterThanOrEqual(2);
  },
);
