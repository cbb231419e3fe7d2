// The simulator (`npm run simulate`): deterministic to the byte, its recorded ground truth equal to
// what its own output shows when counted independently, and landing a run equals landing its JSONL.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect } from 'vitest';
import { it as base } from './support/fixtures.js';
import { landSimulation } from '../src/app/landing/land-simulation.js';
import { amountSql } from '../src/app/landing/staged-chunk-insert.js';
import { writeSimulationJsonl } from '../src/app/landing/write-simulation-jsonl.js';
import { loadFile } from '../src/app/landing/load-file.js';
import type { SimulationOptions } from '../src/app/landing/simulation-options.js';
import { readRows, readCount } from './support/read-rows.js';
import { truthFromJsonl } from './support/landing-truth.js';

/** Chaos well above the defaults, so that a few thousand messages show every kind of it. */
const CHAOTIC: Partial<SimulationOptions> = {
  messages: 6000,
  seed: 11,
  partitions: 4,
  duplicateRate: 0.2,
  outOfOrderRate: 0.15,
  missingRate: 0.03,
  lateRate: 0.02,
  conflictRate: 0.02,
};

interface Simulated {
  readonly path: string;
  readonly text: string;
  readonly truth: ReturnType<typeof truthFromJsonl>;
}

const it = base.extend<{
  /** Writes a simulation to a file `name` in a new folder (gzip for `.gz`); returns it as text too. */
  jsonl: (options: Partial<SimulationOptions>, name?: string) => Promise<Simulated>;
}>({
  jsonl: async ({ tempDir }, use) => {
    await use(async (options, name = 'sim.jsonl') => {
      const path = join(tempDir(), name);
      const summary = await writeSimulationJsonl(path, options);
      const bytes = readFileSync(path);
      return {
        path,
        text: (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'),
        truth: summary.truth,
      };
    });
  },
});

describe('determinism', () => {
  it('the same seed and options give byte-identical JSONL; another seed, or another option, another stream', async ({
    jsonl,
  }) => {
    const a = await jsonl({ ...CHAOTIC, malformedRate: 0.02 });
    const b = await jsonl({ ...CHAOTIC, malformedRate: 0.02 });
    expect(b.text).toBe(a.text);
    const otherSeed = await jsonl({ ...CHAOTIC, malformedRate: 0.02, seed: 12 });
    expect(otherSeed.text).not.toBe(a.text);
    const otherRate = await jsonl({ ...CHAOTIC, malformedRate: 0.02, duplicateRate: 0.1 });
    expect(otherRate.text).not.toBe(a.text);
    const zipped = await jsonl({ ...CHAOTIC, malformedRate: 0.02 }, 'sim.jsonl.gz');
    expect(zipped.text).toBe(a.text);
  });

  it('the CLI writes the same bytes as the library for the same flags', async ({
    tempDir,
    runScript,
    jsonl,
  }) => {
    const library = await jsonl({ ...CHAOTIC, malformedRate: 0.01 });
    const out = join(tempDir(), 'cli.jsonl');
    const result = await runScript('simulate', [
      '--messages',
      '6000',
      '--seed',
      '11',
      '--partitions',
      '4',
      '--duplicate-rate',
      '0.2',
      '--out-of-order-rate',
      '0.15',
      '--missing-rate',
      '0.03',
      '--late-rate',
      '0.02',
      '--conflict-rate',
      '0.02',
      '--malformed-rate',
      '0.01',
      '--out',
      out,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^simulated seed 11 into .*cli\.jsonl: 6,000 messages \(/);
    expect(readFileSync(out, 'utf8')).toBe(library.text);
  });
});

describe('golden output', () => {
  /**
   * Every landed column (but `_loaded_at`, the clock) of every row in `_offset` order, hashed in SQL;
   * timestamps and decimals as numbers so that the session's time zone cannot change the text.
   */
  const LANDED_FINGERPRINT = `select count(*) as rows, sha256(string_agg(concat_ws('|', _offset, message_id,
      sequence_id, partition_id, epoch_us(created_at), transaction_id, event_type, amount::VARCHAR, currency,
      coalesce(customer_id, '<null>'), payload::VARCHAR, _batch_id, _source, _line), chr(10) order by _offset)) as sha
    from raw_messages`;

  it('a fixed seed lands the same rows and ledger fingerprint as ever, in a file warehouse across chunks, and writes the same JSONL', async ({
    openWarehouse,
    jsonl,
  }) => {
    // 300,000 messages cross the landing's first chunk boundary; the file warehouse writes row groups.
    const warehouse = await openWarehouse('file');
    const summary = await landSimulation(warehouse, { messages: 300_000, seed: 42 });
    expect(await readRows(warehouse.connection, LANDED_FINGERPRINT)).toEqual([
      { rows: '300000', sha: '496bd4009fbecfca3f594a8c265cffe177e1160ca46dd93e81039be81b11f4a1' },
    ]);
    // Whole row groups: 122,880 + 122,880 + 54,240 rows, nothing partial to merge at a checkpoint.
    expect(
      await readRows(
        warehouse.connection,
        `select count(distinct row_group_id) as row_groups from pragma_storage_info('raw_messages')`,
      ),
    ).toEqual([{ row_groups: '3' }]);
    // The ledger's content hash is over the staged numbers (Parquet column values), not over text.
    expect(summary.contentSha256).toBe(
      'a97b856916c1d83fc4b213499a393b24f4547dcc407382a0c5982727808db75d',
    );
    const chaotic = await openWarehouse();
    await landSimulation(chaotic, CHAOTIC);
    expect(await readRows(chaotic.connection, LANDED_FINGERPRINT)).toEqual([
      { rows: '6000', sha: 'c14ce4b27155659e52b72e1a194aabc25b177d59c14d30a9afe1ae33ecae26ad' },
    ]);
    const file = await jsonl({ ...CHAOTIC, malformedRate: 0.02 });
    expect(createHash('sha256').update(file.text).digest('hex')).toBe(
      'b931630352943a0e490a2ed82dd9e31114acf0e092693e849fb8a2b075db2d9c',
    );
  });
});

describe('ground truth', () => {
  it('equals the truth counted independently from the JSONL, and every kind of chaos happened', async ({
    jsonl,
  }) => {
    const run = await jsonl({ ...CHAOTIC, malformedRate: 0.02 });
    const counted = truthFromJsonl(run.text);
    expect(run.truth).toEqual(counted);
    for (const [name, value] of Object.entries(counted)) expect(value, name).toBeGreaterThan(0);
    expect(counted.messages).toBe(6000);
  });

  it('holds for the default rates and for no chaos at all', async ({ jsonl }) => {
    const defaults = await jsonl({ messages: 5000, seed: 3 });
    expect(defaults.truth).toEqual(truthFromJsonl(defaults.text));
    const calm = await jsonl({
      messages: 2000,
      seed: 3,
      duplicateRate: 0,
      outOfOrderRate: 0,
      missingRate: 0,
      lateRate: 0,
      conflictRate: 0,
    });
    expect(calm.truth).toMatchObject({
      messages: 2000,
      unique_messages: 2000,
      redeliveries: 0,
      missing_sequences: 0,
      late_messages: 0,
      out_of_order_messages: 0,
      payload_conflicts: 0,
    });
    expect(calm.truth).toEqual(truthFromJsonl(calm.text));
  });

  it('payment lifecycles only: authorized first, then captured or failed, refunded only after captured', async ({
    jsonl,
  }) => {
    const run = await jsonl({
      messages: 4000,
      seed: 5,
      outOfOrderRate: 0,
      lateRate: 0,
      duplicateRate: 0,
      conflictRate: 0,
      missingRate: 0,
    });
    const events = new Map<string, string[]>();
    for (const line of run.text.trimEnd().split('\n')) {
      const { payload } = JSON.parse(line) as {
        payload: { transaction_id: string; event_type: string };
      };
      events.set(payload.transaction_id, [
        ...(events.get(payload.transaction_id) ?? []),
        payload.event_type,
      ]);
    }
    const shapes = new Set([...events.values()].map((e) => e.join('>')));
    // lifecycles still open when the run ends stop early
    for (const shape of shapes)
      expect(shape).toMatch(/^authorized(>captured(>refunded)?|>failed)?$/);
    expect(shapes).toContain('authorized>captured>refunded');
    expect(shapes).toContain('authorized>failed');
  });
});

describe('landing a simulation', () => {
  it('lands exactly what its JSONL lands through the loader, records the truth, and continues the stream', async ({
    openWarehouse,
    jsonl,
  }) => {
    const options: Partial<SimulationOptions> = { ...CHAOTIC, messages: 4000 };
    const simulated = await openWarehouse();
    const summary = await landSimulation(simulated, options);
    const file = await jsonl(options);
    const loaded = await openWarehouse();
    const load = await loadFile(loaded, file.path);
    expect(load).toMatchObject({ status: 'landed', accepted: 4000, rejected: 0 });

    const columns = `_offset, message_id, sequence_id, partition_id, created_at, transaction_id, event_type, amount, currency, customer_id, payload::VARCHAR, _line`;
    const fromSimulation = await readRows(
      simulated.connection,
      `select ${columns} from raw_messages order by _offset`,
    );
    const fromLoader = await readRows(
      loaded.connection,
      `select ${columns} from raw_messages order by _offset`,
    );
    expect(fromSimulation).toHaveLength(4000);
    expect(fromSimulation).toEqual(fromLoader);

    expect(summary.truth).toEqual(file.truth);
    const [truth] = await readRows(
      simulated.connection,
      'select * exclude (start_at) from raw_simulations',
    );
    expect(truth).toMatchObject({
      batch_id: '1',
      seed: '11',
      partitions: 4,
      duplicate_rate: 0.2,
      watermark_minutes: 60,
      ...Object.fromEntries(Object.entries(file.truth).map(([k, v]) => [k, String(v)])),
    });
    const [ledger] = await readRows(
      simulated.connection,
      'select kind, lines_read, accepted, rejected, first_offset, last_offset, replay_of from raw_loads',
    );
    expect(ledger).toEqual({
      kind: 'simulation',
      lines_read: '4000',
      accepted: '4000',
      rejected: '0',
      first_offset: '1',
      last_offset: '4000',
      replay_of: null,
    });

    // A second run continues: offsets, sequences per partition and event time all move on.
    const second = await landSimulation(simulated, { ...options, seed: 12 });
    expect(second).toMatchObject({ batchId: 2, firstOffset: 4001, lastOffset: 8000 });
    expect(
      await readCount(simulated.connection, 'select count(distinct _offset) from raw_messages'),
    ).toBe(8000);
    expect(
      await readCount(
        simulated.connection,
        `select count(*) from (select partition_id from raw_messages group by partition_id
         having min(sequence_id) filter (where _batch_id = 2) <= max(sequence_id) filter (where _batch_id = 1))`,
      ),
    ).toBe(0);
    expect(
      await readCount(
        simulated.connection,
        `select (select min(created_at) from raw_messages where _batch_id = 2) > (select max(created_at) from raw_messages where _batch_id = 1)`,
      ),
    ).toBe(1);
    const [secondTruth] = await readRows(
      simulated.connection,
      'select missing_sequences, unique_messages from raw_simulations where batch_id = 2',
    );
    expect(secondTruth).toEqual({
      missing_sequences: String(second.truth.missing_sequences),
      unique_messages: String(second.truth.unique_messages),
    });
  });
});

describe('the amount as landed', () => {
  it('is the text and DECIMAL the loader stores for the JSONL amount, for every amount up to 1,000.00', async ({
    openWarehouse,
  }) => {
    const warehouse = await openWarehouse();
    const amount = amountSql('cents');
    const written = `(cents // 100) || '.' || lpad((cents % 100)::VARCHAR, 2, '0')`;
    const [row] = await readRows(
      warehouse.connection,
      `select count(*) as amounts,
          count(*) filter (where json('{"amount":' || ${written} || '}')::VARCHAR <> '{"amount":' || ${amount.json} || '}') as other_text,
          count(*) filter (where (${written})::DECIMAL(18,2) <> ${amount.decimal}) as other_decimal
       from (select range as cents from range(0, 100001))`,
    );
    expect(row).toEqual({ amounts: '100001', other_text: '0', other_decimal: '0' });
  });
});

describe('invalid invocations', () => {
  it('refuses malformed lines outside JSONL, and bad flag values, with exit 2 and one line naming the flag', async ({
    tempDir,
    runScript,
  }) => {
    const db = join(tempDir(), 'w.duckdb');
    const malformed = await runScript('simulate', [
      '--messages',
      '10',
      '--malformed-rate',
      '0.1',
      '--db',
      db,
    ]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/malformed-rate: .*--out FILE/);
    const partitions = await runScript('simulate', [
      '--messages',
      '10',
      '--partitions',
      '0',
      '--db',
      db,
    ]);
    expect(partitions.code).toBe(2);
    expect(partitions.stderr).toMatch(/partitions: must be a whole number from 1/);
    const rate = await runScript('simulate', ['--duplicate-rate', '1.5', '--db', db]);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/--duplicate-rate.*probability/);
    const out = await runScript('simulate', [
      '--messages',
      '10',
      '--out',
      join(tempDir(), 'no', 'such', 'dir.jsonl'),
    ]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/dir\.jsonl: cannot write/);
    for (const result of [malformed, partitions, rate, out])
      expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
