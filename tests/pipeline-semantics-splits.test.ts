// Exactly-once under failure: the same arrivals landed in one load, or split over several
// loads with a build after each, or landed in several loads and built once with --full-refresh, give
// identical silver_events, silver_late_events, silver_transactions, gold_daily_revenue and audit_health;
// and a re-run of a successful build changes nothing.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { buildInChild, buildPipeline, copyPipelineProject } from './support/pipeline-build.js';
import { landArrivalsIn, readLandedArrivals } from './support/pipeline-landing.js';
import {
  dumpWarehouseFile,
  failedReconciliations,
  PIPELINE_RELATIONS,
  readPipeline,
  snapshotOfReference,
  SPLIT_INVARIANT_RELATIONS,
} from './support/pipeline-read.js';
import { referenceModel, type Arrival } from './support/pipeline-reference.js';
import { arrivalsOf, sampleStream } from './support/pipeline-streams.js';
import { suiteTempDirs } from './support/temp-dirs.js';

// Columns that describe the load a row came in, not the message: they legitimately differ when the
// same arrivals are split into other batches. `_offset` is NOT excluded: arrival order is the same.
const LOAD_COLUMNS = ['_batch_id', '_line', '_loaded_at'];
const COMPARED = ['bronze_events', ...SPLIT_INVARIANT_RELATIONS];

const dirs = suiteTempDirs();
let dir: string;
let projectDir: string;
let arrivals: Arrival[];
beforeAll(() => {
  dir = dirs.make('dw-semantics-splits-');
  projectDir = copyPipelineProject(join(dir, 'project'));
  arrivals = arrivalsOf(sampleStream(11, 400));
});

/** The compared relations of the warehouse file at `dbPath`, without the load's own columns. */
const compared = (dbPath: string) => dumpWarehouseFile(dbPath, COMPARED, LOAD_COLUMNS);

function parts(list: readonly Arrival[], sizes: readonly number[]): Arrival[][] {
  const out: Arrival[][] = [];
  let start = 0;
  for (const size of sizes) {
    out.push(list.slice(start, start + size));
    start += size;
  }
  out.push(list.slice(start));
  return out.filter((p) => p.length > 0);
}

/** Lands each of `loads` into the warehouse file at `dbPath`, building after each. */
async function landAndBuildEach(dbPath: string, loads: readonly Arrival[][]): Promise<void> {
  for (const load of loads) {
    await landArrivalsIn(dbPath, load);
    await buildPipeline({ projectDir, dbPath });
  }
}

describe('split-load equivalence', () => {
  it('gives identical relations for one load, many loads with a build after each, and one --full-refresh', async () => {
    const generated = referenceModel(arrivals);
    // Sanity: the stream holds the chaos these tests are about.
    expect(generated.health.duplicate_messages).toBeGreaterThan(20);
    expect(generated.health.late_messages).toBeGreaterThan(5);
    expect(generated.health.payload_conflicts).toBeGreaterThan(5);

    // Built by the CLI in a session time zone 14 hours ahead of UTC: days and dates must stay UTC.
    const single = join(dir, 'single.duckdb');
    await landArrivalsIn(single, arrivals);
    await buildInChild({ projectDir, dbPath: single, env: { TZ: 'Pacific/Kiritimati' } });

    // Uneven loads, including a one-message load, with a build after each.
    const split = join(dir, 'split.duckdb');
    await landAndBuildEach(split, parts(arrivals, [1, 97, 3, 250, 40]));

    // Several loads, one build, then a full refresh of the incrementally built warehouse.
    const refreshed = join(dir, 'refreshed.duckdb');
    await landAndBuildEach(refreshed, parts(arrivals, [200, 200]));
    await buildPipeline({ projectDir, dbPath: refreshed, fullRefresh: true });

    const expected = await compared(single);
    expect(await compared(split)).toEqual(expected);
    expect(await compared(refreshed)).toEqual(expected);

    const warehouse = await openWarehouse(split, { readOnly: true });
    try {
      const reference = referenceModel(await readLandedArrivals(warehouse.connection));
      expect(reference.health).toEqual(generated.health);
      expect(await readPipeline(warehouse.connection)).toEqual(snapshotOfReference(reference));
      expect(await failedReconciliations(warehouse.connection)).toEqual([]);
    } finally {
      warehouse.close();
    }
  }, 240_000);
});

describe('a sequence id shared by two message ids', () => {
  // audit_health counts distinct sequence ids per partition from a flag kept incrementally in
  // int_key_first_copies. The generated streams give every key its own sequence id, so this test
  // adds other message ids on existing (partition, sequence) pairs: in the same load as the
  // original, in a later load, and twice in one load.
  it('counts each sequence id once, in one load and split over loads, as the reference does', async () => {
    const base = arrivals.slice(0, 160);
    const reuse = (original: Arrival, suffix: string): Arrival => ({
      ...original,
      messageId: `${original.messageId}-${suffix}`,
    });
    const withShared = [
      ...base.slice(0, 60),
      reuse(base[10]!, 'same-load'),
      ...base.slice(60),
      reuse(base[20]!, 'later-load'),
      reuse(base[150]!, 'twice-a'),
      reuse(base[150]!, 'twice-b'),
    ].map((arrival, index) => ({ ...arrival, offset: index + 1 }));
    const sequences = new Set(withShared.map((a) => `${a.partitionId}/${a.sequenceId}`));
    expect(sequences.size).toBe(new Set(base.map((a) => `${a.partitionId}/${a.sequenceId}`)).size);

    const single = join(dir, 'shared-single.duckdb');
    await landAndBuildEach(single, [withShared]);
    const split = join(dir, 'shared-split.duckdb');
    await landAndBuildEach(split, parts(withShared, [70, 90]));

    for (const dbPath of [single, split]) {
      const warehouse = await openWarehouse(dbPath, { readOnly: true });
      try {
        const reference = referenceModel(await readLandedArrivals(warehouse.connection));
        expect(reference.health.unique_messages).toBe(sequences.size + 4);
        expect(await readPipeline(warehouse.connection)).toEqual(snapshotOfReference(reference));
        expect(await failedReconciliations(warehouse.connection)).toEqual([]);
      } finally {
        warehouse.close();
      }
    }
    expect(await compared(split)).toEqual(await compared(single));
  }, 240_000);
});

describe('re-runs', () => {
  it('changes nothing when a successful build runs again, and --full-refresh rebuilds the same tables', async () => {
    const dbPath = join(dir, 'rerun.duckdb');
    await landAndBuildEach(dbPath, parts(arrivals, [300]));
    // Nothing excluded: the same file, rebuilt, must hold the very same rows.
    const built = await dumpWarehouseFile(dbPath, PIPELINE_RELATIONS);

    await buildPipeline({ projectDir, dbPath });
    expect(await dumpWarehouseFile(dbPath, PIPELINE_RELATIONS)).toEqual(built);
    await buildPipeline({ projectDir, dbPath });
    expect(await dumpWarehouseFile(dbPath, PIPELINE_RELATIONS)).toEqual(built);

    await buildPipeline({ projectDir, dbPath, fullRefresh: true });
    expect(await dumpWarehouseFile(dbPath, PIPELINE_RELATIONS)).toEqual(built);
  }, 240_000);
});
