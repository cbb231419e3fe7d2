import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { REPO_ROOT } from './support/repo-root.js';
import { projectYml } from './support/runner-project.js';

// A dist folder of this test's own (inside the repository, where the bundles' imports resolve).
const DIST = `.tmp/dist-test-${process.pid}`;
afterAll(() => rmSync(join(REPO_ROOT, DIST), { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bin/cli.mjs ARGS`, as the npm scripts run it. */
function cli(args: readonly string[]): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['bin/cli.mjs', ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DW_DIST_DIR: DIST,
        NO_COLOR: '1',
        WAREHOUSE_PATH: '',
        DUCKDB_THREADS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}

describe('bin/cli.mjs: the commands from compiled bundles', () => {
  it('builds the bundles when missing, runs a command from them, and rebuilds only when the sources changed', async () => {
    const first = await cli([
      'sql',
      'select 40 + 2 as answer',
      '--db',
      ':memory:',
      '--format',
      'csv',
    ]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('answer\n42\n');
    const bundle = join(REPO_ROOT, DIST, 'scripts', 'sql.mjs');
    const stamp = join(REPO_ROOT, DIST, 'stamp.json');
    const built = statSync(bundle).mtimeMs;
    expect((await cli(['sql', 'select 1', '--db', ':memory:'])).code).toBe(0);
    expect(statSync(bundle).mtimeMs).toBe(built);
    // A stamp of other sources (an edit, a new or a deleted file) makes the next start rebuild.
    writeFileSync(stamp, JSON.stringify({ state: '0:0' }));
    expect((await cli(['sql', 'select 1', '--db', ':memory:'])).code).toBe(0);
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(built);
    expect(JSON.parse(readFileSync(stamp, 'utf8'))).not.toEqual({ state: '0:0' });
  });

  it('runs a dbt build from the bundle (templates, macros and the nunjucks internals it loads)', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(),
      'macros/twice.sql': '{% macro twice(x) %}{{ x }} * 2{% endmacro %}\n',
      'models/m.sql': '{% set xs = [1, 2,] %}select {{ twice(xs | length) }} as n\n',
    });
    const run = await cli(['build-models', 'build', '--project-dir', project.dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    expect(await project.query('select n from m')).toEqual([{ n: 4 }]);
  });

  it('every command loads from its bundle and prints its help', async () => {
    const commands = readdirSync(join(REPO_ROOT, 'scripts'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''));
    expect(commands).toContain('consume');
    for (const command of commands) {
      const run = await cli([command, '--help']);
      expect({ command, code: run.code, stderr: run.stderr }).toEqual({
        command,
        code: 0,
        stderr: '',
      });
      expect(run.stdout).toMatch(/^Usage: /m);
    }
  });

  it('refuses an unknown command with the list of commands, exit 2', async () => {
    const run = await cli(['no-such-command']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: node bin/cli.mjs <build-models|consume|');
    expect(existsSync(join(REPO_ROOT, DIST, 'scripts', 'no-such-command.mjs'))).toBe(false);
  });
});
