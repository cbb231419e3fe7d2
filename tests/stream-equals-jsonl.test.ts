// The same arrivals build the same Silver and Gold whichever way they come in: published to a
// JetStream stream and consumed in micro-batches with builds between them, or written as a JSONL
// file by the simulator (same seed and options), landed with `npm run load` and built once.
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { natsServerPerFile } from './support/nats-server.js';
import { buildArguments, copyPipelineProject } from './support/pipeline-build.js';
import { SPLIT_INVARIANT_RELATIONS } from './support/pipeline-read.js';
import { dumpBuilt, queryFile } from './support/stream-fixtures.js';

const server = natsServerPerFile();

// A publish, a consumer with several builds, a simulation, a load and a build: minutes when busy.
const TIMEOUT_MS = 400_000;

const NO_STACK = /\n\s+at /;

/** The simulator's options on both ways in: every chaos rate at its default, plus malformed lines. */
const SIMULATION = ['--messages', '900', '--seed', '23', '--malformed-rate', '0.02'];

/**
 * Where a row arrived from differs by design (`_source` is `nats:STREAM` or the file, `_line` the
 * stream sequence or the line number), and so do the load's own columns; everything else is equal.
 */
const ARRIVAL_COLUMNS = ['_source', '_line'];

const RELATIONS = ['bronze_events', ...SPLIT_INVARIANT_RELATIONS];

describe('stream ≡ JSONL', () => {
  it(
    'lands the same arrivals from the stream and from the file into the same Bronze, Silver and Gold, audits passing',
    async ({ tempDir, runScript }) => {
      const dir = tempDir('dw-stream-jsonl-');
      const project = copyPipelineProject(join(dir, 'project'));
      const fromStream = join(dir, 'stream.duckdb');
      const fromFile = join(dir, 'file.duckdb');
      const file = join(dir, 'arrivals.jsonl');

      const published = await runScript('publish', [
        ...['--server', server().url, '--stream', 'SAME', ...SIMULATION],
      ]);
      expect(published.stderr).not.toMatch(NO_STACK);
      expect(published.code).toBe(0);
      const consumed = await runScript('consume', [
        ...[
          '--server',
          server().url,
          '--stream',
          'SAME',
          '--db',
          fromStream,
          '--until-idle',
          '0.5',
        ],
        ...['--batch', '100', '--build-after', '300', '--project-dir', project],
      ]);
      expect(consumed.stderr).not.toMatch(NO_STACK);
      expect(consumed.code).toBe(0);

      const simulated = await runScript('simulate', [...SIMULATION, '--out', file]);
      expect(simulated.code).toBe(0);
      expect((await runScript('load', ['--db', fromFile, file])).code).toBe(0);
      const built = await runScript(
        'build-models',
        buildArguments({ projectDir: project, dbPath: fromFile }),
      );
      expect(built.stderr).not.toMatch(NO_STACK);
      expect(built.code).toBe(0);

      const count = 'select count(*)::INTEGER as n from';
      const landed = async (db: string) => ({
        messages: await queryFile(db, `${count} raw_messages`),
        rejected: await queryFile(db, `select reason from raw_rejected order by _line`),
      });
      const streamLanded = await landed(fromStream);
      expect(streamLanded.messages).toEqual([{ n: 900 }]);
      expect(streamLanded.rejected.length).toBeGreaterThan(0);
      expect(await landed(fromFile)).toEqual(streamLanded);
      const streamBuilt = await dumpBuilt(fromStream, RELATIONS, ARRIVAL_COLUMNS);
      expect(streamBuilt['silver_transactions']!.length).toBeGreaterThan(0);
      expect(streamBuilt['gold_daily_revenue']!.length).toBeGreaterThan(0);
      expect(await dumpBuilt(fromFile, RELATIONS, ARRIVAL_COLUMNS)).toEqual(streamBuilt);
      for (const db of [fromStream, fromFile]) {
        expect(
          await queryFile(db, 'select check_name from audit_reconciliation where not passed'),
        ).toEqual([]);
        expect(await queryFile(db, `${count} audit_reconciliation`)).not.toEqual([{ n: 0 }]);
      }
    },
    TIMEOUT_MS,
  );
});
