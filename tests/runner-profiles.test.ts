import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { resolveTarget } from '../src/engine/project/profiles.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { readRows } from './support/read-rows.js';
import { projectYml } from './support/runner-project.js';

const TARGET_MODEL = `select '{{ target.name }}' as target_name, '{{ target.type }}' as target_type,
  '{{ target.schema }}' as target_schema, {{ target.threads }} as target_threads,
  '{{ target.profile_name }}' as profile_name
`;

function profiles(dir: string, outputs: string, target = 'dev'): string {
  return `shop:\n  target: ${target}\n  outputs:\n${outputs.replaceAll('DIR', dir)}`;
}

async function read(db: string, sql: string): Promise<Record<string, unknown>[]> {
  return withWarehouse(db, { readOnly: true }, ({ connection }) => readRows(connection, sql));
}

describe('profiles.yml and targets', () => {
  it("builds into the profile's target: its path, schema and threads, and target.* in templates", async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('profile: shop\n'),
      'models/m.sql': TARGET_MODEL,
      'models/tagged.sql': "{{ config(schema='marts') }}select 1 as id\n",
    });
    project.write({
      'profiles.yml': profiles(
        project.dir,
        '    dev:\n      type: duckdb\n      path: DIR/dev.duckdb\n      schema: analytics\n      threads: 4\n',
      ),
    });
    const result = await project.build({ dbPath: undefined });
    expect(result.exitCode).toBe(0);
    expect(existsSync(project.db)).toBe(false);
    const rows = await read(join(project.dir, 'dev.duckdb'), 'select * from analytics.m');
    expect(rows).toEqual([
      {
        target_name: 'dev',
        target_type: 'duckdb',
        target_schema: 'analytics',
        target_threads: 4,
        profile_name: 'shop',
      },
    ]);
    const tagged = await read(
      join(project.dir, 'dev.duckdb'),
      'select id from analytics_marts.tagged',
    );
    expect(tagged).toEqual([{ id: 1 }]);
  });

  it('--target chooses another output; env_var() works inside profiles.yml; --db still chooses the file', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('profile: shop\n'),
      'models/m.sql': TARGET_MODEL,
    });
    project.write({
      'profiles.yml': profiles(
        project.dir,
        "    dev:\n      type: duckdb\n      path: DIR/dev.duckdb\n    prod:\n      type: duckdb\n      path: \"{{ env_var('SHOP_PROD_PATH') }}\"\n      schema: \"{{ env_var('SHOP_SCHEMA', 'reporting') }}\"\n",
      ),
    });
    // Only the chosen output is rendered, as in dbt: dev builds without prod's variables.
    expect((await project.build({ dbPath: undefined })).exitCode).toBe(0);
    expect(await read(join(project.dir, 'dev.duckdb'), 'select target_name from m')).toEqual([
      { target_name: 'dev' },
    ]);
    const unset = await project.build({ dbPath: undefined, target: 'prod' }).catch((e: Error) => e);
    expect(String(unset)).toContain(
      'profiles.yml:9: shop.outputs.prod.path: Environment variable "SHOP_PROD_PATH" is not set',
    );
    process.env['SHOP_PROD_PATH'] = join(project.dir, 'prod.duckdb');
    try {
      expect((await project.build({ dbPath: undefined, target: 'prod' })).exitCode).toBe(0);
      // --db (here the fixture's warehouse.duckdb) wins over the profile's path, keeping its schema.
      expect((await project.build({ target: 'prod' })).exitCode).toBe(0);
    } finally {
      delete process.env['SHOP_PROD_PATH'];
    }
    const rows = await read(
      join(project.dir, 'prod.duckdb'),
      'select target_name from reporting.m',
    );
    expect(rows).toEqual([{ target_name: 'prod' }]);
    expect(await read(project.db, 'select target_name from reporting.m')).toEqual([
      { target_name: 'prod' },
    ]);
  });

  it('applies the settings of a DuckDB output and reports its unknown keys', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('profile: shop\n'),
      'models/m.sql':
        "{{ config(materialized='table') }}select current_setting('memory_limit') as memory_limit\n",
    });
    project.write({
      'profiles.yml': profiles(
        project.dir,
        '    dev:\n      type: duckdb\n      path: DIR/dev.duckdb\n      extensions: [httpfs]\n      settings:\n        memory_limit: 777MB\n',
      ),
    });
    const result = await project.build({ dbPath: undefined });
    expect(result.exitCode).toBe(0);
    expect(result.warnings).toContainEqual(
      expect.stringContaining('shop.outputs.dev.extensions is not used here'),
    );
    const [row] = await read(join(project.dir, 'dev.duckdb'), 'select memory_limit from m');
    // DuckDB prints the limit in binary units: 777MB = 741 MiB.
    expect(row!['memory_limit']).toBe('741.0 MiB');
  });

  it('finds profiles.yml through --profiles-dir and DBT_PROFILES_DIR before the project folder', ({
    makeProject,
    tempDir,
  }) => {
    const project = makeProject({ 'dbt_project.yml': projectYml('profile: shop\n') });
    project.write({
      'profiles.yml': profiles(
        project.dir,
        '    dev:\n      type: duckdb\n      path: DIR/local.duckdb\n',
      ),
    });
    const elsewhere = tempDir('dw-profiles-');
    projectFile(
      elsewhere,
      profiles(elsewhere, '    dev:\n      type: duckdb\n      path: DIR/other.duckdb\n'),
    );
    const env = { DBT_PROFILES_DIR: elsewhere };
    expect(resolveTarget({ projectDir: project.dir, env: {} }).path).toBe(
      join(project.dir, 'local.duckdb'),
    );
    expect(resolveTarget({ projectDir: project.dir, env }).path).toBe(
      join(elsewhere, 'other.duckdb'),
    );
    expect(resolveTarget({ projectDir: project.dir, profilesDir: elsewhere, env: {} }).path).toBe(
      join(elsewhere, 'other.duckdb'),
    );
    // ~/.dbt comes last.
    const home = tempDir('dw-home-');
    projectFile(
      join(home, '.dbt'),
      profiles(home, '    dev:\n      type: duckdb\n      path: DIR/home.duckdb\n'),
    );
    const bare = makeProject({ 'dbt_project.yml': projectYml('profile: shop\n') });
    expect(resolveTarget({ projectDir: bare.dir, env: {}, homeDir: home }).path).toBe(
      join(home, 'home.duckdb'),
    );
  });

  it('without a profile or a profiles.yml, builds warehouse.duckdb (or WAREHOUSE_PATH) in schema main', ({
    makeProject,
  }) => {
    const project = makeProject({ 'models/m.sql': 'select 1 as id\n' });
    const target = resolveTarget({ projectDir: project.dir, env: {} });
    expect(target).toMatchObject({ path: project.db, schema: 'main', type: 'duckdb', name: 'dev' });
    expect(
      resolveTarget({ projectDir: project.dir, env: { WAREHOUSE_PATH: '/tmp/x.duckdb' } }).path,
    ).toBe('/tmp/x.duckdb');
    const named = makeProject({ 'dbt_project.yml': projectYml('profile: shop\n') });
    expect(resolveTarget({ projectDir: named.dir, env: {}, homeDir: named.dir }).path).toBe(
      named.db,
    );
  });

  it('refuses a missing profile, target or outputs, a postgres or unknown type, and bad values, naming the file', ({
    makeProject,
  }) => {
    const project = makeProject({ 'dbt_project.yml': projectYml('profile: shop\n') });
    const file = join(project.dir, 'profiles.yml');
    const attempt = (text: string, target?: string): string => {
      project.write({ 'profiles.yml': text });
      try {
        resolveTarget({ projectDir: project.dir, env: {}, ...(target ? { target } : {}) });
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(attempt('other:\n  target: dev\n  outputs: {}\n')).toBe(
      `${file}: no profile named shop, which dbt_project.yml's profile: names (it has other)`,
    );
    expect(attempt('shop:\n  target: dev\n')).toBe(`${file}: profile shop has no outputs:`);
    expect(attempt(profiles('', '    dev:\n      type: duckdb\n'), 'prod')).toBe(
      `${file}: profile shop has no target prod (it has dev)`,
    );
    expect(attempt(profiles('', '    dev:\n      type: postgres\n      host: localhost\n'))).toBe(
      `${file}: shop.outputs.dev: type postgres is not supported yet; only duckdb outputs can be used`,
    );
    expect(attempt(profiles('', '    dev:\n      type: snowflake\n'))).toBe(
      `${file}: shop.outputs.dev: type "snowflake" is not supported (use duckdb)`,
    );
    expect(attempt(profiles('', '    dev:\n      type: duckdb\n      threads: two\n'))).toBe(
      `${file}: shop.outputs.dev.threads: expected a positive whole number`,
    );
    expect(
      attempt(
        profiles(
          project.dir,
          '    dev:\n      type: duckdb\n      path: DIR/prod.duckdb\n      schema: prod\n',
        ),
      ),
    ).toContain('shop.outputs.dev.schema: prod is also the name DuckDB gives the file');
    expect(
      attempt(
        profiles(
          project.dir,
          '    dev:\n      type: duckdb\n      path: DIR/dev.duckdb\n      database: warehouse\n',
        ),
      ),
    ).toBe(
      `${file}: shop.outputs.dev.database: warehouse is not the catalog DuckDB gives ${join(project.dir, 'dev.duckdb')} (dev): leave database: out or make it match the file name`,
    );
    expect(attempt('shop:\n  target: [dev\n')).toMatch(new RegExp(`^${file}:\\d+: invalid YAML`));
    expect(
      (() => {
        try {
          resolveTarget({
            projectDir: project.dir,
            env: {},
            profilesDir: join(project.dir, 'nope'),
          });
        } catch (error) {
          return (error as Error).message;
        }
      })(),
    ).toBe(`--profiles-dir ${join(project.dir, 'nope')}: there is no profiles.yml in that folder`);
  });

  it('build-models takes --target and --profiles-dir; a bad target exits 2 without a stack trace', async ({
    makeProject,
    runScript,
    tempDir,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('profile: shop\n'),
      'models/m.sql': TARGET_MODEL,
    });
    const dir = tempDir('dw-profiles-');
    projectFile(
      dir,
      profiles(
        dir,
        '    dev:\n      type: duckdb\n      path: DIR/dev.duckdb\n    ci:\n      type: duckdb\n      path: DIR/ci.duckdb\n      schema: analytics\n    other:\n      type: duckdb\n      path: DIR/ci.duckdb\n      schema: elsewhere\n',
      ),
    );
    const args = ['build', '--project-dir', project.dir, '--profiles-dir', dir, '--threads', '1'];
    const ok = await runScript('build-models', [...args, '--target', 'ci']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(await read(join(dir, 'ci.duckdb'), 'select target_name from analytics.m')).toEqual([
      { target_name: 'ci' },
    ]);
    const bad = await runScript('build-models', [...args, '--target', 'prod']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('profile shop has no target prod (it has dev, ci, other)');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const sql = await runScript('sql', [
      'select target_name from m',
      '--project-dir',
      project.dir,
      '--profiles-dir',
      dir,
      '--target',
      'ci',
    ]);
    // sql looks up unqualified names in the target's schema first.
    expect(sql.code).toBe(0);
    expect(sql.stdout).toContain('ci');
    const unbuilt = await runScript('sql', [
      'select 1',
      '--project-dir',
      project.dir,
      '--profiles-dir',
      dir,
      '--target',
      'other',
    ]);
    expect(unbuilt.code).toBe(2);
    expect(unbuilt.stderr).toContain(
      `Warehouse ${join(dir, 'ci.duckdb')} has no schema elsewhere, the target's schema`,
    );
  });
});

function projectFile(dir: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'profiles.yml'), text);
}
