import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';

describe('build-models CLI', () => {
  it('exits 0 on success and 1 when an error-severity test fails, printing the summary', async ({
    makeProject,
    runScript,
  }) => {
    const project = makeProject({
      'models/m.sql': 'select 1 as id union all select 1\n',
      'models/m.yml':
        'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tests: [unique]\n',
    });
    const ok = await runScript('build-models', [
      'build',
      '--project-dir',
      project.dir,
      '--exclude',
      'unique_m_id',
      '--threads',
      '1',
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    const failing = await runScript('build-models', [
      'build',
      '--project-dir',
      project.dir,
      '--vars',
      '{a: 1}',
    ]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('FAIL 1 unique_m_id');
    expect(failing.stdout).toContain('Done. PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2');
  });

  it('exits 2 for an unknown flag, bad --vars, a cycle and a missing dbt_project.yml, without a stack trace', async ({
    makeProject,
    runScript,
  }) => {
    const project = makeProject({ 'models/m.sql': 'select 1 as id\n' });
    const unknown = await runScript('build-models', [
      'build',
      '--project-dir',
      project.dir,
      '--no-such-flag',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--no-such-flag'");
    const badVars = await runScript('build-models', [
      'build',
      '--project-dir',
      project.dir,
      '--vars',
      '[1, 2]',
    ]);
    expect(badVars.code).toBe(2);
    expect(badVars.stderr).toMatch(/^error: --vars must be a mapping/);
    project.write({
      'models/a.sql': "select * from {{ ref('b') }}\n",
      'models/b.sql': "select * from {{ ref('a') }}\n",
    });
    const cycle = await runScript('build-models', ['build', '--project-dir', project.dir]);
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toMatch(
      /^error: models\/a\.sql: dependency cycle between 2 node\(s\): a \(models\/a\.sql\) -> b \(models\/b\.sql\) -> a\n$/,
    );
    expect(cycle.stdout).toBe('');
    const missing = await runScript('build-models', [
      'build',
      '--project-dir',
      join(project.dir, 'models'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^error: No dbt_project\.yml found in .*models\. Run from the project directory or pass --project-dir DIR\.\n$/,
    );
  });

  it('fails at once with exit 2 and "in use" while another process holds the warehouse', async ({
    makeProject,
    openWarehouse,
    runScript,
  }) => {
    const project = makeProject({ 'models/m.sql': 'select 1 as id\n' });
    await openWarehouse(project.db);
    const busy = await runScript('build-models', [
      'build',
      '--project-dir',
      project.dir,
      '--db',
      project.db,
    ]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/^error: Warehouse .*warehouse\.duckdb is in use by process \d+/);
    expect(busy.stderr).not.toMatch(/\n\s+at /);
  });
});
