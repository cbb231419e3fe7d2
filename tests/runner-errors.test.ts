import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { UserError } from '../src/base/errors/user-error.js';
import { ProjectError } from '../src/engine/project/project-issue.js';
import { WarehouseError } from '../src/base/warehouse/warehouse-error.js';
import { statuses, type TestProject } from './support/runner-project.js';

async function projectError(project: TestProject): Promise<ProjectError> {
  const error = await project.build().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProjectError);
  expect((error as ProjectError).exitCode).toBe(2);
  return error as ProjectError;
}

describe('project errors are reported before anything runs (exit 2)', () => {
  it('a missing dbt_project.yml is a UserError naming the directory', async ({ makeProject }) => {
    const project = makeProject({});
    const { rmSync } = await import('node:fs');
    rmSync(join(project.dir, 'dbt_project.yml'));
    const error = await project.build().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`No dbt_project.yml found in ${project.dir}`);
  });

  it('a dbt_project.yml key of the wrong shape is a UserError naming the key and line', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': 'name: demo\nmodel-paths: [models]\nvars:\n  - watermark_minutes\n',
      'models/a.sql': 'select 1 as id\n',
    });
    const error = await project.build().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      'dbt_project.yml:4: "vars" must be a mapping (got ["watermark_minutes"]).',
    );
    project.write({ 'dbt_project.yml': 'name: demo\non-run-end:\n  - {sql: select 1}\n' });
    await expect(project.build()).rejects.toThrow(
      'dbt_project.yml:3: "on-run-end" must be a string or a list of strings',
    );
  });

  it('a cycle names every model and file in it', async ({ makeProject }) => {
    const error = await projectError(
      makeProject({
        'models/a.sql': "select * from {{ ref('c') }}\n",
        'models/sub/b.sql': "select * from {{ ref('a') }}\n",
        'models/c.sql': "select * from {{ ref('b') }}\n",
        'models/ok.sql': 'select 1 as x\n',
      }),
    );
    expect(error.message).toMatch(/dependency cycle between 3 node\(s\)/);
    for (const part of ['a (models/a.sql)', 'b (models/sub/b.sql)', 'c (models/c.sql)']) {
      expect(error.message).toContain(part);
    }
  });

  it('an unknown ref names the model, its file, the missing name and close names; all problems together', async ({
    makeProject,
  }) => {
    const error = await projectError(
      makeProject({
        'models/orders.sql': 'select 1 as id\n',
        'models/report.sql': "select * from {{ ref('order') }}\n",
        'models/other.sql': "select * from {{ source('landing', 'raw') }}\n",
      }),
    );
    expect(error.issues).toHaveLength(2);
    expect(error.message).toContain(
      'models/report.sql: model "report" refers to unknown model "order"',
    );
    expect(error.message).toContain('Did you mean "orders"');
    expect(error.message).toContain(
      'models/other.sql: model "other" refers to unknown source "landing.raw"',
    );
  });

  it('a template syntax error names the file and line', async ({ makeProject }) => {
    const error = await projectError(
      makeProject({
        'models/bad.sql': "select 1 as id\nfrom x\n{% if true %}\nwhere {{ ref('x' }}\n",
      }),
    );
    expect(error.message).toMatch(/^models\/bad\.sql:4: template error: /);
  });

  it('a render error in the parse pass names the file and line', async ({ makeProject }) => {
    const error = await projectError(
      makeProject({
        'models/bad.sql': "select 1 as id\n{{ exceptions.raise_compiler_error('no way') }}\n",
      }),
    );
    expect(error.message).toBe('models/bad.sql:2: no way');
    // The models that ref it are not reported again as reading an unknown model.
    const downstream = await projectError(
      makeProject({
        'models/bad.sql': "select 1 as id\n{{ exceptions.raise_compiler_error('no way') }}\n",
        'models/broken_syntax.sql': 'select {{ 1 +  }}\n',
        'models/uses_bad.sql':
          "select * from {{ ref('bad') }} join {{ ref('broken_syntax') }} using (id)\n",
      }),
    );
    expect(downstream.issues).toHaveLength(2);
    expect(downstream.message).not.toContain('unknown model');
  });

  it('duplicate model names name both files', async ({ makeProject }) => {
    const error = await projectError(
      makeProject({
        'models/a/events.sql': 'select 1 as id\n',
        'models/b/events.sql': 'select 2 as id\n',
      }),
    );
    expect(error.message).toContain(
      '"events" is defined twice: in models/a/events.sql and in models/b/events.sql',
    );
  });

  it('an invalid properties file names the file and line', async ({ makeProject }) => {
    const error = await projectError(
      makeProject({
        'models/a.sql': 'select 1 as id\n',
        'models/a.yml': 'version: 2\nmodels:\n  - name: a\n    columns: [\n',
      }),
    );
    expect(error.message).toMatch(/^models\/a\.yml:\d+: invalid YAML/);
  });

  it('a properties file of the wrong shape is reported with file and line, never silently ignored', async ({
    makeProject,
  }) => {
    const error = await projectError(
      makeProject({
        'models/a.sql': 'select 1 as id\n',
        'models/a.yml': `version: 2
models:
  - name: a
    columns:
      - id
      - name: kind
        data_tests: not_null
    data_tests:
      unique: {column_name: id}
sources: landing
`,
      }),
    );
    expect(error.issues.map((i) => `${i.file}:${i.line}: ${i.message}`)).toEqual([
      'models/a.yml:9: data_tests of a must be a list (got {"unique":{"column_name":"id"}})',
      'models/a.yml:5: a column of a must be an entry with a "name" (got "id")',
      'models/a.yml:7: data_tests of a.kind must be a list (got "not_null")',
      'models/a.yml:10: "sources:" must be a list (got "landing")',
    ]);
  });

  it('an unknown generic test names the YAML file and line', async ({ makeProject }) => {
    const error = await projectError(
      makeProject({
        'models/a.sql': 'select 1 as id\n',
        'models/a.yml':
          'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [uniqe]\n',
      }),
    );
    expect(error.message).toMatch(/^models\/a\.yml:6: unknown test "uniqe" on a/);
    expect(error.message).toContain('Did you mean "unique"?');
  });

  it('a template error in an on-run-start/end hook names the hook and its line in dbt_project.yml', async ({
    makeProject,
  }) => {
    const error = await projectError(
      makeProject({
        'dbt_project.yml':
          "name: demo\non-run-start:\n  - 'select 1'\n  - 'select {{ oops( }}'\non-run-end: \"{% if %}\"\n",
        'models/a.sql': 'select 1 as id\n',
      }),
    );
    expect(error.issues.map((i) => `${i.file}:${i.line}: ${i.message.split(':')[0]}`)).toEqual([
      'dbt_project.yml:4: on-run-start hook #2',
      'dbt_project.yml:5: on-run-end hook #1',
    ]);
    expect(error.message).toContain('template error');
  });

  it('a var without a value or default is an error naming it', async ({ makeProject }) => {
    const error = await projectError(
      makeProject({ 'models/a.sql': "select {{ var('start') }} as s\n" }),
    ).catch((e: unknown) => e);
    // The parse pass tolerates a missing var (dbt does too); the run reports it.
    void error;
  });
});

describe('run-time failures (exit 1)', () => {
  it('a SQL error names the model, its file, DuckDB message and compiled SQL; downstream is skipped', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/broken.sql': 'select no_such_column from (select 1 as id)\n',
      'models/child.sql': "select * from {{ ref('broken') }}\n",
      'models/grandchild.sql': "select * from {{ ref('child') }}\n",
      'models/fine.sql': 'select 1 as id\n',
    });
    const result = await project.build();
    expect(result.exitCode).toBe(1);
    expect(statuses(result)).toEqual({
      broken: 'error',
      child: 'skipped',
      fine: 'success',
      grandchild: 'skipped',
    });
    const broken = result.results.find((r) => r.name === 'broken')!;
    expect(broken.message).toContain('Runtime error in model broken (models/broken.sql)');
    expect(broken.message).toContain('no_such_column');
    expect(broken.message).toContain('compiled SQL: target/compiled/demo/models/broken.sql');
    expect(readFileSync(join(project.dir, broken.compiledPath!), 'utf8')).toContain(
      'no_such_column',
    );
    expect(result.results.find((r) => r.name === 'grandchild')!.message).toBe(
      'skipped: upstream child was skipped',
    );
  });

  it('a missing var fails the model at run time, naming the var', async ({ makeProject }) => {
    const project = makeProject({ 'models/a.sql': "select {{ var('start') }} as s\n" });
    const result = await project.build();
    expect(result.exitCode).toBe(1);
    expect(result.results[0]!.message).toMatch(
      /Compilation error in model a \(models\/a\.sql:1\): Required var "start" is not set/,
    );
  });

  it('a failing error-severity test exits 1 and skips the models downstream of the tested one', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/base.sql': 'select 1 as id union all select 1\n',
      'models/base.yml':
        'version: 2\nmodels:\n  - name: base\n    columns:\n      - name: id\n        data_tests: [unique]\n',
      'models/downstream.sql': "select * from {{ ref('base') }}\n",
    });
    const result = await project.build();
    expect(result.exitCode).toBe(1);
    expect(statuses(result)).toEqual({
      base: 'success',
      unique_base_id: 'fail',
      downstream: 'skipped',
    });
    expect(result.results[1]!.failures).toBe(1);
    expect(result.results[2]!.message).toBe('skipped: test unique_base_id on upstream base failed');
  });

  it('a warn-severity test exits 0 and does not skip anything (flat and config forms)', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/base.sql': "select 1 as id, 'x' as kind union all select 1, 'y'\n",
      'models/base.yml': `version: 2
models:
  - name: base
    columns:
      - name: id
        tests:
          - unique:
              severity: warn
      - name: kind
        tests:
          - accepted_values:
              values: ['x']
              config:
                severity: warn
`,
      'models/downstream.sql': "select * from {{ ref('base') }}\n",
    });
    const result = await project.build();
    expect(result.exitCode).toBe(0);
    expect(statuses(result)).toEqual({
      base: 'success',
      accepted_values_base_kind__x: 'warn',
      unique_base_id: 'warn',
      downstream: 'success',
    });
  });

  it('a failing on-run-start hook skips every node and exits 1, naming the hook and its line', async ({
    makeProject,
    output,
  }) => {
    const project = makeProject({
      'dbt_project.yml': 'name: demo\non-run-start: ["select * from missing_table"]\n',
      'models/a.sql': 'select 1 as id\n',
    });
    const result = await project.build({ print: true });
    expect(result.exitCode).toBe(1);
    expect(statuses(result)).toEqual({ a: 'skipped' });
    expect(output.err).toContain(
      'on-run-start hook #1 (dbt_project.yml:2) failed: Catalog Error: Table with name missing_table does not exist',
    );
  });

  it('a second build of the same warehouse in this process fails at once with "in use"; the first is unharmed', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/slow.sql': "{{ config(materialized='table') }}\nselect 42 as n\n",
    });
    // openWarehouse registers the file before its first await, so the second call always overlaps.
    const first = project.build();
    const second = await project.build().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(WarehouseError);
    expect((second as WarehouseError).reason).toBe('busy');
    expect((second as Error).message).toMatch(/warehouse\.duckdb is in use by another build/);
    const done = await first;
    expect(statuses(done)).toEqual({ slow: 'success' });
    expect(await project.query('select n from slow')).toEqual([{ n: 42 }]);
    // Once the first is done, the warehouse is free again.
    expect((await project.build()).exitCode).toBe(0);
  });
});
