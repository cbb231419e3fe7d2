import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { type TestProject } from './support/runner-project.js';

const files = {
  'seeds/s.csv': 'id\n1\n2\n',
  'models/m.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('s') }}\n",
  'models/m.yml':
    'version: 2\nmodels:\n  - name: m\n    description: the m\n    columns:\n      - name: id\n        tests: [unique]\n',
};

describe('artifacts and output', () => {
  it('writes run_results.json shaped like dbt', async ({ makeProject }) => {
    const project = makeProject(files);
    await project.build({ select: ['s+'] });
    const runResults = JSON.parse(
      readFileSync(join(project.dir, 'target/run_results.json'), 'utf8'),
    );
    expect(runResults.metadata.invocation_id).toEqual(expect.any(String));
    expect(runResults.elapsed_time).toEqual(expect.any(Number));
    expect(runResults.args).toMatchObject({ which: 'build', select: ['s+'], full_refresh: false });
    expect(
      runResults.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]),
    ).toEqual([
      ['seed.demo.s', 'success'],
      ['model.demo.m', 'success'],
      ['test.demo.unique_m_id.4dffd0a90e', 'pass'],
    ]);
    const model = runResults.results[1];
    expect(model).toMatchObject({
      adapter_response: { rows_affected: 2, _message: 'SELECT 2' },
      message: 'SELECT 2',
      failures: null,
      compiled_path: 'target/compiled/demo/models/m.sql',
      relation_name: '"main"."m"',
    });
    expect(model.execution_time).toBeGreaterThanOrEqual(0);
    expect(model.timing[0]).toMatchObject({ name: 'execute', started_at: expect.any(String) });
    expect(runResults.results[2].failures).toBe(0);
  });

  it('writes manifest.json with nodes, depends_on, config, paths, sources and macros', async ({
    makeProject,
  }) => {
    const project = makeProject(files);
    await project.build();
    const manifest = JSON.parse(readFileSync(join(project.dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['model.demo.m']).toMatchObject({
      resource_type: 'model',
      original_file_path: 'models/m.sql',
      compiled_path: 'target/compiled/demo/models/m.sql',
      depends_on: { nodes: ['seed.demo.s'] },
      config: { materialized: 'table' },
      description: 'the m',
      relation_name: '"main"."m"',
    });
    expect(manifest.nodes['test.demo.unique_m_id.4dffd0a90e']).toMatchObject({
      resource_type: 'test',
      depends_on: { nodes: ['model.demo.m'] },
      attached_node: 'model.demo.m',
      column_name: 'id',
      compiled_path: 'target/compiled/demo/models/m.yml/unique_m_id.sql',
    });
    expect(manifest.child_map['seed.demo.s']).toEqual(['model.demo.m']);
    expect(manifest.macros['macro.dbt.test_unique']).toBeDefined();
    expect(
      readFileSync(join(project.dir, 'target/compiled/demo/models/m.yml/unique_m_id.sql'), 'utf8'),
    ).toContain('from "main"."m"');
    expect(readFileSync(join(project.dir, 'target/run/demo/models/m.sql'), 'utf8')).toContain(
      'create or replace table "main"."m" as',
    );
  });

  it('prints one dbt-style line per node and a summary', async ({ makeProject, output }) => {
    const project = makeProject(files);
    await project.build({ print: true });
    const lines = output.out.split('\n');
    expect(lines.find((l) => l.includes('main.s'))).toMatch(
      /^\d\d:\d\d:\d\d {2}1 of 3 OK loaded seed file main\.s \.+ \[INSERT 2 in \d+\.\d\ds\]$/,
    );
    expect(lines.find((l) => l.includes('main.m'))).toMatch(
      /2 of 3 OK created sql table model main\.m \.+ \[SELECT 2 in/,
    );
    expect(lines.find((l) => l.includes('unique_m_id'))).toMatch(
      /3 of 3 PASS unique_m_id \.+ \[PASS in/,
    );
    expect(output.out).toContain('Done. PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3');
  });
});
