// Property-based check of the exactly-once pipeline against the independent reference model: over generated
// chaotic streams, landed in one or several loads with a build after each, every relation the
// warehouse holds equals, row by row, what the reference model computes.
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { buildPipeline, copyPipelineProject } from './support/pipeline-build.js';
import {
  landArrivalsIn,
  landingDifference,
  readLandedArrivals,
} from './support/pipeline-landing.js';
import {
  failedReconciliations,
  payloadHashViolations,
  readPipeline,
  snapshotOfReference,
  type PipelineSnapshot,
} from './support/pipeline-read.js';
import { canonicalJson, referenceModel, type Arrival } from './support/pipeline-reference.js';
import { arrivalsOf, streamArbitrary } from './support/pipeline-streams.js';
import { suiteTempDirs } from './support/temp-dirs.js';

const dirs = suiteTempDirs();
let dir: string;
let projectDir: string;
beforeAll(() => {
  dir = dirs.make('dw-semantics-props-');
  projectDir = copyPipelineProject(join(dir, 'project'));
});

/** Splits `arrivals` at the given fractions (sorted, deduplicated, in (0, 1)). */
function splitAt(arrivals: readonly Arrival[], cuts: readonly number[]): Arrival[][] {
  const indexes = [...new Set(cuts.map((c) => Math.floor(c * arrivals.length)))]
    .filter((i) => i > 0)
    .sort((a, b) => a - b);
  const parts: Arrival[][] = [];
  let start = 0;
  for (const index of [...indexes, arrivals.length]) {
    parts.push(arrivals.slice(start, index));
    start = index;
  }
  return parts.filter((p) => p.length > 0);
}

interface Observed {
  landed: Arrival[];
  snapshot: PipelineSnapshot;
  hashViolations: string[];
  failedChecks: Record<string, unknown>[];
}

let run = 0;
/**
 * Lands `loads` one after the other (each with `malformed` bad lines), building after each, and
 * reads back the landed arrivals and the pipeline.
 */
async function landAndBuild(
  loads: Arrival[][],
  malformed: number,
  watermarkMinutes: number,
): Promise<Observed> {
  const dbPath = join(dir, `run-${++run}.duckdb`);
  try {
    for (const load of loads) {
      await landArrivalsIn(dbPath, load, { malformedLines: malformed });
      await buildPipeline({ projectDir, dbPath, vars: { watermark_minutes: watermarkMinutes } });
    }
    const warehouse = await openWarehouse(dbPath, { readOnly: true });
    try {
      const landed = await readLandedArrivals(warehouse.connection);
      const canonical = new Map(landed.map((a) => [a.offset, canonicalJson(a.payload)]));
      return {
        landed,
        snapshot: await readPipeline(warehouse.connection),
        hashViolations: await payloadHashViolations(warehouse.connection, canonical),
        failedChecks: await failedReconciliations(warehouse.connection),
      };
    } finally {
      warehouse.close();
    }
  } finally {
    rmSync(dbPath, { force: true });
    rmSync(`${dbPath}.wal`, { force: true });
  }
}

describe('pipeline semantics against the reference model', () => {
  it('builds exactly the reference relations over generated chaotic streams, in one load or several', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamArbitrary({ maxMessages: 45 }),
        fc.array(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { maxLength: 3 }),
        fc.constantFrom(60, 60, 30),
        fc.integer({ min: 0, max: 2 }),
        async (spec, cuts, watermarkMinutes, malformed) => {
          const arrivals = arrivalsOf(spec, 1);
          const loads = splitAt(arrivals, cuts);
          const observed = await landAndBuild(loads, malformed, watermarkMinutes);
          expect(landingDifference(arrivals, observed.landed)).toBeUndefined();
          const reference = referenceModel(observed.landed, { watermarkMinutes });
          expect(observed.snapshot).toEqual(
            snapshotOfReference(reference, malformed * loads.length),
          );
          expect(observed.hashViolations).toEqual([]);
          expect(observed.failedChecks).toEqual([]);
        },
      ),
      { numRuns: 20, seed: 4242, endOnFailure: true },
    );
  }, 300_000);
});
