// `npm run build-models` of this repository's project on an empty warehouse lands one default
// simulated batch (medium, seed 42) first and says so; with any landed data, or for another
// project (--project-dir), it never simulates.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { defaultSimulationHook } from '../src/app/landing/default-simulation-hook.js';
import { loadFile } from '../src/app/landing/load-file.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { readScalar } from '../src/base/warehouse/read-scalar.js';
import { REPO_ROOT } from './support/repo-root.js';

/** The command of `npm run build-models`, its models built one at a time. */
const BUILD_MODELS = ['build', '--threads', '1'];

async function scalar(db: string, sql: string): Promise<string> {
  return withWarehouse(db, { readOnly: true }, async (w) =>
    String(await readScalar(w.connection, sql)),
  );
}

describe('the default simulated batch of npm run build-models', () => {
  it('lands 10,000 simulated messages (seed 42) into an empty warehouse, says so, and builds on them', async ({
    tempDir,
    runScript,
  }) => {
    const db = join(tempDir('default-sim-'), 'w.duckdb');
    const first = await runScript('build-models', [...BUILD_MODELS, '--db', db]);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('landed the default simulated batch (medium, seed 42)');
    expect(await scalar(db, 'select count(*) from raw_messages')).toBe('10000');
    expect(
      await scalar(
        db,
        "select count(*) from raw_loads where source like 'simulate:seed=42:messages=10000:%'",
      ),
    ).toBe('1');
    expect(Number(await scalar(db, 'select count(*) from silver_events'))).toBeGreaterThan(8000);

    // A second build finds landed data: nothing more is simulated.
    const second = await runScript('build-models', [...BUILD_MODELS, '--db', db]);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('default simulated batch');
    expect(await scalar(db, 'select count(*) from raw_loads')).toBe('1');
    expect(await scalar(db, 'select count(*) from raw_messages')).toBe('10000');
  });

  it('never simulates into a warehouse that holds landed data, even a load whose every line was rejected', async ({
    tempDir,
  }) => {
    const dir = tempDir('default-sim-');
    const db = join(dir, 'w.duckdb');
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"not": "a message"}\nnot json\n');
    const result = await withWarehouse(db, {}, (w) => loadFile(w, file));
    expect(result.status).toBe('landed');
    const hook = defaultSimulationHook(REPO_ROOT);
    expect(hook).toBeDefined();
    await withWarehouse(db, {}, async (w) => hook!(w));
    expect(await scalar(db, 'select count(*) from raw_messages')).toBe('0');
    expect(await scalar(db, 'select count(*) from raw_loads')).toBe('1');
  });

  it('never simulates for another project (--project-dir)', async ({ makeProject, runScript }) => {
    const project = makeProject({ 'models/m.sql': 'select 1 as id\n' });
    expect(defaultSimulationHook(project.dir)).toBeUndefined();
    const run = await runScript('build-models', [
      ...BUILD_MODELS,
      '--project-dir',
      project.dir,
      '--db',
      project.db,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('simulated');
    expect(
      await scalar(
        project.db,
        "select count(*) from information_schema.tables where table_name = 'raw_messages'",
      ),
    ).toBe('0');
  });
});
