// `npm run build-models` of this repository's project on an empty warehouse lands one default
// simulated batch (medium, seed 42) first and says so; with any landed data, or for another
// project (--project-dir), it never simulates.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultSimulationHook,
  REPOSITORY_ROOT,
} from '../src/app/landing/default-simulation-hook.js';
import { loadFile } from '../src/app/landing/load-file.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { makeProject, type TestProject } from './support/runner-project.js';

function buildModels(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPOSITORY_ROOT, 'scripts/build-models.ts'),
        'build',
        '--threads',
        '1',
        ...args,
      ],
      { cwd: REPOSITORY_ROOT, env: { ...process.env, NO_COLOR: '1', WAREHOUSE_PATH: '' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function scalar(db: string, sql: string): Promise<unknown> {
  return withWarehouse(db, { readOnly: true }, async (w) => {
    const reader = await w.connection.runAndReadAll(sql);
    return reader.getRowsJson()[0]?.[0];
  });
}

const dirs: string[] = [];
let project: TestProject | undefined;
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  project?.cleanup();
  project = undefined;
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'default-sim-'));
  dirs.push(dir);
  return dir;
}

describe('the default simulated batch of npm run build-models', () => {
  it('lands 10,000 simulated messages (seed 42) into an empty warehouse, says so, and builds on them', async () => {
    const db = join(tempDir(), 'w.duckdb');
    const first = await buildModels(['--db', db]);
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
    const second = await buildModels(['--db', db]);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('default simulated batch');
    expect(await scalar(db, 'select count(*) from raw_loads')).toBe('1');
    expect(await scalar(db, 'select count(*) from raw_messages')).toBe('10000');
  });

  it('never simulates into a warehouse that holds landed data, even a load whose every line was rejected', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.duckdb');
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"not": "a message"}\nnot json\n');
    const result = await withWarehouse(db, {}, (w) => loadFile(w, file));
    expect(result.status).toBe('landed');
    const hook = defaultSimulationHook(REPOSITORY_ROOT);
    expect(hook).toBeDefined();
    await withWarehouse(db, {}, async (w) => hook!(w));
    expect(await scalar(db, 'select count(*) from raw_messages')).toBe('0');
    expect(await scalar(db, 'select count(*) from raw_loads')).toBe('1');
  });

  it('never simulates for another project (--project-dir)', async () => {
    project = makeProject({ 'models/m.sql': 'select 1 as id\n' });
    expect(defaultSimulationHook(project.dir)).toBeUndefined();
    const run = await buildModels(['--project-dir', project.dir, '--db', project.db]);
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
