import { afterEach, describe, expect, it } from 'vitest';
import { listNodes } from '../src/runner/compile-project.js';
import { makeProject, projectYml, statuses, type TestProject } from './support/runner-project.js';

let project: TestProject | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
});

// raw → stg → mart → report, plus a side model with a tag; tests on stg and a relationship test.
const files = {
  'dbt_project.yml': projectYml(
    'models:\n  demo:\n    marts:\n      +materialized: table\n      +tags: [nightly]\n',
  ),
  'seeds/raw.csv': 'id\n1\n',
  'models/staging/stg.sql': "select id from {{ ref('raw') }}\n",
  'models/staging/stg.yml':
    "version: 2\nmodels:\n  - name: stg\n    columns:\n      - name: id\n        tests: [not_null]\n  - name: mart\n    columns:\n      - name: id\n        tests:\n          - relationships: {to: ref('stg'), field: id}\n",
  'models/marts/mart.sql': "select id from {{ ref('stg') }}\n",
  'models/report.sql':
    "{{ config(materialized='incremental') }}\nselect id from {{ ref('mart') }}\n",
  'models/side.sql': "{{ config(tags=['adhoc']) }}\nselect 1 as id\n",
};

function names(select?: string[], exclude?: string[]): string[] {
  return listNodes({
    projectDir: project!.dir,
    ...(select ? { select } : {}),
    ...(exclude ? { exclude } : {}),
  })
    .filter((n) => n.resourceType !== 'source')
    .map((n) => n.name)
    .sort();
}

describe('selection', () => {
  it('selects by name, name+, +name, +name+ and unions space-separated selectors', () => {
    project = makeProject(files);
    expect(names(['stg'])).toEqual(['not_null_stg_id', 'stg']);
    expect(names(['stg+'])).toEqual([
      'mart',
      'not_null_stg_id',
      'relationships_mart_id__ref_stg___id',
      'report',
      'stg',
    ]);
    expect(names(['+mart'])).toEqual([
      'mart',
      'not_null_stg_id',
      'raw',
      'relationships_mart_id__ref_stg___id',
      'stg',
    ]);
    expect(names(['+stg+'])).toEqual(names(['raw+']));
    expect(names(['side report'])).toEqual(['report', 'side']);
    expect(names(['side', 'report'])).toEqual(['report', 'side']);
  });

  it('selects tests only when every model they test is selected', () => {
    project = makeProject(files);
    // mart alone: its relationships test also needs stg, so it is not selected.
    expect(names(['mart'])).toEqual(['mart']);
    expect(names(['mart stg'])).toContain('relationships_mart_id__ref_stg___id');
  });

  it('selects by tag, path, config and resource type; excludes', () => {
    project = makeProject(files);
    expect(names(['tag:nightly'])).toEqual(['mart']);
    expect(names(['tag:adhoc'])).toEqual(['side']);
    // Like dbt, path: also matches the tests declared in YAML files under the path.
    expect(names(['path:models/staging'])).toEqual([
      'not_null_stg_id',
      'relationships_mart_id__ref_stg___id',
      'stg',
    ]);
    expect(names(['models/marts'])).toEqual(['mart']);
    expect(names(['config.materialized:incremental'])).toEqual(['report']);
    expect(names(['resource_type:seed'])).toEqual(['raw']);
    expect(names(['raw+'], ['mart+'])).toEqual(['not_null_stg_id', 'raw', 'stg']);
    expect(names(['tag:nightly,config.materialized:table'])).toEqual(['mart']);
  });

  it('a selector that matches nothing is a warning, not a crash', async () => {
    project = makeProject(files);
    const result = await project.build({ select: ['nope', 'side'] });
    expect(result.exitCode).toBe(0);
    expect(result.warnings).toEqual(['The selector "nope" does not match any node.']);
    expect(statuses(result)).toEqual({ side: 'success' });
  });

  it('run builds models only, seed seeds only, test tests only', async () => {
    project = makeProject(files);
    expect(Object.keys(statuses(await project.build({}, 'seed')))).toEqual(['raw']);
    expect(Object.keys(statuses(await project.build({}, 'run')))).toEqual([
      'side',
      'stg',
      'mart',
      'report',
    ]);
    const tests = await project.build({}, 'test');
    expect(statuses(tests)).toEqual({
      not_null_stg_id: 'pass',
      relationships_mart_id__ref_stg___id: 'pass',
    });
  });

  it('orders deterministically: tests right after their model, ready nodes by name', async () => {
    project = makeProject(files);
    const result = await project.build();
    expect(result.results.map((r) => r.name)).toEqual([
      'raw',
      'side',
      'stg',
      'not_null_stg_id',
      'mart',
      'relationships_mart_id__ref_stg___id',
      'report',
    ]);
  });
});
