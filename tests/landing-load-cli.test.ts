// `npm run load`: the ledger, offsets across loads and simulations, the replay refusal and
// --replay, and files that cannot be landed (missing, a directory, unreadable, empty, not UTF-8,
// corrupt gzip), each reported in one line naming the file, with nothing lost or half-landed.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect } from 'vitest';
import { it as base } from './support/fixtures.js';
import { landSimulation } from '../src/app/landing/land-simulation.js';
import { ensureLandingTables } from '../src/app/landing/landing-schema.js';
import { loadFile, loadFiles } from '../src/app/landing/load-file.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { messageLine } from './support/landing-messages.js';
import { readRows, readCount } from './support/read-rows.js';

const it = base.extend<{
  /** Writes `content` to a file `name` in a new folder; returns its path. */
  file: (name: string, content: string | Buffer) => string;
  /** Loads `path`, which must fail leaving nothing behind; returns the failure's message. */
  failure: (path: string) => Promise<string>;
}>({
  file: async ({ tempDir }, use) => {
    await use((name, content) => {
      const path = join(tempDir(), name);
      writeFileSync(path, content);
      return path;
    });
  },
  failure: async ({ openWarehouse }, use) => {
    await use(async (path) => {
      const w = await openWarehouse();
      await ensureLandingTables(w.connection);
      const result = await loadFile(w, path);
      expect(result.status).toBe('failed');
      // nothing of it anywhere, not even a ledger row
      expect(
        await readCount(
          w.connection,
          'select (select count(*) from raw_messages) + (select count(*) from raw_rejected) + (select count(*) from raw_loads)',
        ),
      ).toBe(0);
      return result.status === 'failed' ? result.message : '';
    });
  },
});

const NO_STACK = /\n\s+at /;

describe('the replay refusal and --replay (CLI)', () => {
  it('refuses content already landed, naming the batch, exit 1; --replay lands it again with new offsets', async ({
    tempDir,
    runScript,
    file,
  }) => {
    const db = join(tempDir(), 'w.duckdb');
    const events = file(
      'events.jsonl',
      [messageLine({ message_id: 'a' }), 'bad', messageLine({ message_id: 'b' })].join('\n') + '\n',
    );
    const sameContent = file(
      'events-copy.jsonl',
      [messageLine({ message_id: 'a' }), 'bad', messageLine({ message_id: 'b' })].join('\n') + '\n',
    );

    const first = await runScript('load', ['--db', db, events]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /events\.jsonl: batch 1, 2 accepted, 1 rejected in \d+\.\d\d s\n$/,
    );

    const again = await runScript('load', ['--db', db, sameContent]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /events-copy\.jsonl: this content was already landed as batch 1 \(events\.jsonl, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\); nothing landed\. Use --replay/,
    );
    expect(again.stderr).not.toMatch(NO_STACK);

    const replay = await runScript('load', ['--db', db, '--replay', sameContent]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(
      /events-copy\.jsonl: batch 2, 2 accepted, 1 rejected, replay of batch 1 in/,
    );

    await withWarehouse(db, { readOnly: true }, async (w) => {
      expect(
        await readRows(
          w.connection,
          'select batch_id, source, accepted, rejected, first_offset, last_offset, replay_of from raw_loads order by batch_id',
        ),
      ).toEqual([
        {
          batch_id: '1',
          source: 'events.jsonl',
          accepted: '2',
          rejected: '1',
          first_offset: '1',
          last_offset: '2',
          replay_of: null,
        },
        {
          batch_id: '2',
          source: 'events-copy.jsonl',
          accepted: '2',
          rejected: '1',
          first_offset: '3',
          last_offset: '4',
          replay_of: '1',
        },
      ]);
      expect(await readCount(w.connection, 'select count(*) from raw_rejected')).toBe(2);
      const [hashes] = await readRows(
        w.connection,
        'select count(distinct content_sha256) as n, min(length(content_sha256)) as len from raw_loads',
      );
      expect(hashes).toEqual({ n: '1', len: '64' });
    });
  });

  it('lands several files in the order given, goes on past one that fails, and says how many landed (exit 1)', async ({
    tempDir,
    runScript,
    file,
  }) => {
    const db = join(tempDir(), 'w.duckdb');
    const one = file('one.jsonl', messageLine({ message_id: 'one' }) + '\n');
    const two = file('two.jsonl.gz', gzipSync(messageLine({ message_id: 'two' }) + '\n'));
    const missing = join(tempDir(), 'missing.jsonl');
    const result = await runScript('load', ['--db', db, two, missing, one]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${missing}: no such file`);
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(result.stdout).toContain('2 of 3 files landed, 1 not landed (see above).');
    await withWarehouse(db, { readOnly: true }, async (w) => {
      expect(
        await readRows(
          w.connection,
          'select message_id, _offset, _batch_id, _source from raw_messages order by _offset',
        ),
      ).toEqual([
        { message_id: 'two', _offset: '1', _batch_id: '1', _source: 'two.jsonl.gz' },
        { message_id: 'one', _offset: '2', _batch_id: '2', _source: 'one.jsonl' },
      ]);
    });
  });
});

describe('offsets and the ledger', () => {
  it('offsets are strictly increasing and never reused across loads, simulations, refusals and all-rejected files', async ({
    openWarehouse,
    file,
  }) => {
    const w = await openWarehouse();
    const results = await loadFiles(w, [
      file(
        'a.jsonl',
        [messageLine({ message_id: 'a1' }), messageLine({ message_id: 'a2' })].join('\n'),
      ),
      file('rejected.jsonl', 'nope\n'),
      file(
        'a-again.jsonl',
        [messageLine({ message_id: 'a1' }), messageLine({ message_id: 'a2' })].join('\n'),
      ),
    ]);
    expect(results.map((r) => r.status)).toEqual(['landed', 'landed', 'refused']);
    const simulation = await landSimulation(w, { messages: 50, seed: 1 });
    expect(simulation).toMatchObject({ batchId: 3, firstOffset: 3, lastOffset: 52 });
    // Rows deleted by hand must not give their offsets out again.
    await w.connection.run('delete from raw_messages where _offset > 40');
    const after = await loadFile(w, file('b.jsonl', messageLine({ message_id: 'b' }) + '\n'));
    expect(after).toMatchObject({ status: 'landed', batchId: 4, firstOffset: 53, lastOffset: 53 });
    expect(
      await readRows(
        w.connection,
        'select batch_id, kind, lines_read, accepted, rejected, first_offset, last_offset from raw_loads order by batch_id',
      ),
    ).toEqual([
      {
        batch_id: '1',
        kind: 'file',
        lines_read: '2',
        accepted: '2',
        rejected: '0',
        first_offset: '1',
        last_offset: '2',
      },
      {
        batch_id: '2',
        kind: 'file',
        lines_read: '1',
        accepted: '0',
        rejected: '1',
        first_offset: null,
        last_offset: null,
      },
      {
        batch_id: '3',
        kind: 'simulation',
        lines_read: '50',
        accepted: '50',
        rejected: '0',
        first_offset: '3',
        last_offset: '52',
      },
      {
        batch_id: '4',
        kind: 'file',
        lines_read: '1',
        accepted: '1',
        rejected: '0',
        first_offset: '53',
        last_offset: '53',
      },
    ]);
    const [timing] = await readRows(
      w.connection,
      `select bool_and(finished_at >= started_at) as ordered, bool_and(duration_ms = epoch_ms(finished_at) - epoch_ms(started_at)) as duration,
          bool_and(duration_ms >= 0) as non_negative
       from raw_loads`,
    );
    expect(timing).toEqual({ ordered: true, duration: true, non_negative: true });
    expect(
      await readCount(
        w.connection,
        'select count(*) from raw_messages m join raw_loads l on m._batch_id = l.batch_id where m._loaded_at <> l.started_at',
      ),
    ).toBe(0);
  });
});

describe('files that cannot be landed', () => {
  it('a missing file', async ({ tempDir, file, failure }) => {
    const path = join(tempDir(), 'nope.jsonl');
    expect(await failure(path)).toBe(`${path}: no such file`);
  });

  it('a directory, and a path through a file', async ({ tempDir, file, failure }) => {
    const dir = join(tempDir(), 'folder.jsonl');
    mkdirSync(dir);
    expect(await failure(dir)).toBe(`${dir} is a directory, not a JSONL file`);
    const through = join(file('plain.jsonl', 'x'), 'child.jsonl');
    expect(await failure(through)).toBe(`${through}: a part of the path is not a directory`);
  });

  it('an unreadable file', async ({ tempDir, runScript, file, failure }) => {
    const path = file('secret.jsonl', messageLine() + '\n');
    chmodSync(path, 0o000);
    if (process.getuid?.() !== 0) {
      expect(await failure(path)).toBe(`${path}: permission denied, cannot read the file`);
      return;
    }
    // root reads whatever the mode says, unless the CLI runs without that privilege
    const result = await runScript('load', ['--db', join(tempDir(), 'w.duckdb'), path], {
      enforceFileModes: true,
    });
    expect(result.stderr.trim()).toBe(`error: ${path}: permission denied, cannot read the file`);
    expect(result.code).toBe(1);
  });

  it('an empty file, and a gzip file with nothing inside, are reported and not landed', async ({
    file,
    failure,
  }) => {
    const empty = file('empty.jsonl', '');
    expect(await failure(empty)).toBe(`${empty} is empty (0 bytes): nothing to land`);
    const emptyGzip = file('empty.jsonl.gz', gzipSync(''));
    expect(await failure(emptyGzip)).toBe(
      `${emptyGzip} is empty (no bytes after gzip decompression): nothing to land`,
    );
  });

  it('corrupt gzip and text that is not UTF-8', async ({ file, failure }) => {
    const gz = gzipSync(messageLine() + '\n');
    const truncated = file('cut.jsonl.gz', gz.subarray(0, gz.length - 10));
    expect(await failure(truncated)).toMatch(
      /cut\.jsonl\.gz: corrupt or truncated gzip data .*: nothing landed$/,
    );
    const latin1 = file(
      'latin1.jsonl',
      Buffer.concat([
        Buffer.from(messageLine() + '\n'),
        Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d, 0x0a]),
      ]),
    );
    expect(await failure(latin1)).toBe(`${latin1}: not valid UTF-8 text: nothing landed`);
  });

  it('the CLI: exit 1, one line naming the file, no stack trace; no file at all is an invalid invocation (exit 2)', async ({
    tempDir,
    runScript,
    file,
  }) => {
    const db = join(tempDir(), 'w.duckdb');
    const empty = file('empty.jsonl', '');
    const result = await runScript('load', ['--db', db, empty]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`error: ${empty} is empty (0 bytes): nothing to land`);
    const none = await runScript('load', ['--db', db]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing required argument 'files'/);
  });
});
