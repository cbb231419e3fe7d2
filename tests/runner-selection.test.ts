import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import type { IndirectSelection } from '../src/engine/graph/select-nodes.js';
import { listNodes } from '../src/engine/runner/compile-project.js';
import { projectYml, statuses, type TestProject } from './support/runner-project.js';

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

function names(
  project: TestProject,
  select?: string[],
  exclude?: string[],
  indirectSelection?: IndirectSelection,
): string[] {
  return listNodes({
    projectDir: project.dir,
    ...(select ? { select } : {}),
    ...(exclude ? { exclude } : {}),
    ...(indirectSelection ? { indirectSelection } : {}),
  })
    .filter((n) => n.resourceType !== 'source')
    .map((n) => n.name)
    .sort();
}

describe('selection', () => {
  it('selects by name, name+, +name, +name+ and unions space-separated selectors', ({
    makeProject,
  }) => {
    const project = makeProject(files);
    expect(names(project, ['stg'])).toEqual([
      'not_null_stg_id',
      'relationships_mart_id__id__ref_stg_',
      'stg',
    ]);
    expect(names(project, ['stg+'])).toEqual([
      'mart',
      'not_null_stg_id',
      'relationships_mart_id__id__ref_stg_',
      'report',
      'stg',
    ]);
    expect(names(project, ['+mart'])).toEqual([
      'mart',
      'not_null_stg_id',
      'raw',
      'relationships_mart_id__id__ref_stg_',
      'stg',
    ]);
    expect(names(project, ['+stg+'])).toEqual(names(project, ['raw+']));
    expect(names(project, ['side report'])).toEqual(['report', 'side']);
    expect(names(project, ['side', 'report'])).toEqual(['report', 'side']);
  });

  it('brings tests along as dbt indirect selection does: eager by default, cautious, buildable, empty', ({
    makeProject,
  }) => {
    const project = makeProject(files);
    const relationships = 'relationships_mart_id__id__ref_stg_';
    // eager (dbt's default): mart alone brings its relationships test, although it also checks stg.
    expect(names(project, ['mart'])).toEqual(['mart', relationships]);
    expect(names(project, ['stg'])).toEqual(['not_null_stg_id', relationships, 'stg']);
    expect(names(project, ['mart'], undefined, 'eager')).toEqual(names(project, ['mart']));
    // cautious: only tests whose models are all selected.
    expect(names(project, ['mart'], undefined, 'cautious')).toEqual(['mart']);
    expect(names(project, ['stg'], undefined, 'cautious')).toEqual(['not_null_stg_id', 'stg']);
    expect(names(project, ['mart stg'], undefined, 'cautious')).toContain(relationships);
    // buildable: also when the other models are upstream of a selected one (stg is upstream of mart).
    expect(names(project, ['mart'], undefined, 'buildable')).toEqual(['mart', relationships]);
    expect(names(project, ['stg'], undefined, 'buildable')).toEqual(['not_null_stg_id', 'stg']);
    // empty: no test comes along; a test selected by name still runs.
    expect(names(project, ['stg'], undefined, 'empty')).toEqual(['stg']);
    expect(names(project, ['stg not_null_stg_id'], undefined, 'empty')).toEqual([
      'not_null_stg_id',
      'stg',
    ]);
  });

  it('applies indirect selection to --exclude as well', ({ makeProject }) => {
    const project = makeProject(files);
    const relationships = 'relationships_mart_id__id__ref_stg_';
    // eager: excluding stg leaves out every test that touches it, the relationships test included.
    expect(names(project, undefined, ['stg'])).not.toContain(relationships);
    expect(names(project, undefined, ['stg'])).not.toContain('not_null_stg_id');
    expect(names(project, ['stg+'], ['mart'])).toEqual(['not_null_stg_id', 'report', 'stg']);
    // cautious: excluding mart alone does not exclude the relationships test (it also checks stg,
    // which is not excluded), as in dbt; excluding both does.
    expect(names(project, ['stg mart'], ['mart'], 'cautious')).toEqual([
      'not_null_stg_id',
      relationships,
      'stg',
    ]);
    expect(names(project, ['stg mart'], ['mart stg'], 'cautious')).toEqual([]);
    // buildable: excluding stg leaves the relationships test of a selected mart (stg is upstream).
    expect(names(project, ['mart'], ['stg'], 'buildable')).toEqual(['mart', relationships]);
    expect(names(project, ['mart'], ['stg'], 'empty')).toEqual(['mart']);
    // Excluding only a test keeps its model.
    expect(names(project, ['stg'], ['not_null_stg_id'])).toEqual([relationships, 'stg']);
  });

  it('the CLI takes --indirect-selection and refuses an unknown mode, naming the choices', async ({
    makeProject,
    runScript,
  }) => {
    const project = makeProject(files);
    const run = (...args: string[]) =>
      runScript('build-models', ['ls', '--project-dir', project.dir, ...args]);
    const cautious = await run('--select', 'mart', '--indirect-selection', 'cautious');
    expect(cautious.code).toBe(0);
    expect(cautious.stdout).not.toContain('relationships');
    expect((await run('--select', 'mart')).stdout).toContain('relationships_mart_id__id__ref_stg_');
    const bad = await run('--indirect-selection', 'lazy');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('eager, buildable, cautious, empty');
  });

  it('selects by tag, path, config and resource type; excludes', ({ makeProject }) => {
    const project = makeProject(files);
    expect(names(project, ['tag:nightly'])).toEqual([
      'mart',
      'relationships_mart_id__id__ref_stg_',
    ]);
    expect(names(project, ['tag:adhoc'])).toEqual(['side']);
    // Like dbt, path: also matches the tests declared in YAML files under the path.
    expect(names(project, ['path:models/staging'])).toEqual([
      'not_null_stg_id',
      'relationships_mart_id__id__ref_stg_',
      'stg',
    ]);
    expect(names(project, ['models/marts'])).toEqual([
      'mart',
      'relationships_mart_id__id__ref_stg_',
    ]);
    expect(names(project, ['config.materialized:incremental'])).toEqual(['report']);
    expect(names(project, ['resource_type:seed'])).toEqual(['raw']);
    expect(names(project, ['raw+'], ['mart+'])).toEqual(['not_null_stg_id', 'raw', 'stg']);
    expect(
      names(project, ['tag:nightly,config.materialized:table'], undefined, 'cautious'),
    ).toEqual(['mart']);
  });

  it('a selector that matches nothing is a warning, not a crash', async ({ makeProject }) => {
    const project = makeProject(files);
    const result = await project.build({ select: ['nope', 'side'] });
    expect(result.exitCode).toBe(0);
    expect(result.warnings).toEqual(['The selector "nope" does not match any node.']);
    expect(statuses(result)).toEqual({ side: 'success' });
  });

  it('run builds models only, seed seeds only, test tests only', async ({ makeProject }) => {
    const project = makeProject(files);
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
      relationships_mart_id__id__ref_stg_: 'pass',
    });
  });

  it('orders deterministically: tests right after their model, ready nodes by name', async ({
    makeProject,
  }) => {
    const project = makeProject(files);
    const result = await project.build();
    expect(result.results.map((r) => r.name)).toEqual([
      'raw',
      'side',
      'stg',
      'not_null_stg_id',
      'mart',
      'relationships_mart_id__id__ref_stg_',
      'report',
    ]);
  });
});
