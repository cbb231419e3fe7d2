// The harness of the pipeline semantics tests, tested on its own: landing, reading back and comparing
// must be exact, or the model tests prove nothing.
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { openWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { materialiseReference } from './support/pipeline-fake.js';
import { landArrivals, landingDifference, readLandedArrivals } from './support/pipeline-landing.js';
import {
  dumpRelations,
  failedReconciliations,
  payloadHashViolations,
  PIPELINE_RELATIONS,
  readPipeline,
  snapshotOfReference,
} from './support/pipeline-read.js';
import { referenceModel } from './support/pipeline-reference.js';
import { it } from './support/fixtures.js';
import { arrivalsOf, sampleStream } from './support/pipeline-streams.js';

describe('pipeline semantics harness', () => {
  it('lands arrivals in batches through the loader and reads back exactly the relations a correct pipeline holds', async ({
    tempDir,
  }) => {
    const dir = tempDir('dw-semantics-harness-');
    const arrivals = arrivalsOf(sampleStream(3, 60));
    const warehouse = await openWarehouse(join(dir, 'w.duckdb'));
    try {
      const half = Math.floor(arrivals.length / 2);
      expect(await landArrivals(warehouse, arrivals.slice(0, half))).toBe(1);
      expect(await landArrivals(warehouse, arrivals.slice(half), { malformedLines: 2 })).toBe(2);
      const landed = await readLandedArrivals(warehouse.connection);
      expect(landingDifference(arrivals, landed)).toBeUndefined();
      const reference = referenceModel(landed);
      expect(reference.health).toEqual(referenceModel(arrivals).health);
      await materialiseReference(warehouse.connection, reference);

      const snapshot = await readPipeline(warehouse.connection);
      expect(snapshot).toEqual(snapshotOfReference(reference, 2));
      // DuckDB's sha256 of the key text is the reference's composite hash.
      expect(snapshot.bronze.map((r) => r.compositeHash)).toEqual(
        reference.bronze.map((r) => r.compositeHash),
      );
      expect(await failedReconciliations(warehouse.connection)).toEqual([]);

      const dump = await dumpRelations(warehouse.connection, PIPELINE_RELATIONS, ['_loaded_at']);
      expect(Object.keys(dump)).toEqual([...PIPELINE_RELATIONS]);
      expect(dump['silver_events']).toHaveLength(reference.silverEvents.length);
      expect(Object.keys(dump['bronze_events']![0] as object)).not.toContain('_loaded_at');
    } finally {
      warehouse.close();
    }
  });

  it('refuses to land arrivals whose offsets do not continue the landed ones', async ({
    tempDir,
  }) => {
    const dir = tempDir('dw-semantics-harness-');
    const warehouse = await openWarehouse(join(dir, 'w.duckdb'));
    try {
      await landArrivals(warehouse, arrivalsOf(sampleStream(4, 5)));
      await expect(landArrivals(warehouse, arrivalsOf(sampleStream(5, 5)))).rejects.toThrow(
        /expected \d+ \(rejected 0\) from offset 1$/,
      );
    } finally {
      warehouse.close();
    }
  });

  it('catches a payload hash that depends on key order or spacing', async ({ tempDir }) => {
    const dir = tempDir('dw-semantics-harness-');
    // sha256 of the payload text (the fake's choice) is NOT canonical: the check must notice.
    let seed = 1;
    let arrivals = arrivalsOf(sampleStream(seed, 30));
    const hasReordered = (list: typeof arrivals): boolean =>
      list.some((a) => a.payload.startsWith('{ '));
    while (!hasReordered(arrivals)) arrivals = arrivalsOf(sampleStream(++seed, 30));
    const warehouse = await openWarehouse(join(dir, 'w.duckdb'));
    try {
      await landArrivals(warehouse, arrivals);
      const reference = referenceModel(await readLandedArrivals(warehouse.connection));
      await materialiseReference(warehouse.connection, reference);
      const canonical = new Map(reference.bronze.map((r) => [r.offset, r.canonicalPayload]));
      const violations = await payloadHashViolations(warehouse.connection, canonical);
      expect(violations.some((v) => v.includes('same content, another payload_hash'))).toBe(true);
    } finally {
      warehouse.close();
    }
  });

  it('dumps relations in a total order, independent of physical row order', async ({ tempDir }) => {
    const dir = tempDir('dw-semantics-harness-');
    const warehouse = await openWarehouse(join(dir, 'w.duckdb'));
    try {
      await warehouse.connection.run(
        `create table a as select * from (values (2, 'x'), (1, 'y'), (1, 'a')) v(n, s)`,
      );
      await warehouse.connection.run(`create table b as select * from a order by s desc`);
      const [da, db] = [
        await dumpRelations(warehouse.connection, ['a']),
        await dumpRelations(warehouse.connection, ['b']),
      ];
      expect(da['a']).toEqual(db['b']);
      expect(da['a']).toEqual([
        { n: 1, s: 'a' },
        { n: 1, s: 'y' },
        { n: 2, s: 'x' },
      ]);
      await expect(dumpRelations(warehouse.connection, ['missing_relation'])).rejects.toThrow(
        /missing_relation does not exist/,
      );
    } finally {
      warehouse.close();
    }
  });
});
