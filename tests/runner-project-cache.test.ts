// A project parsed once and kept across builds in one process (what a consumer does between
// micro-batches): reused while its files are unchanged, parsed again when one changes.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { ProjectCache } from '../src/engine/runner/project-cache.js';
import { build } from '../src/engine/runner/run-project.js';
import { ProjectError } from '../src/engine/project/project-issue.js';
import { projectYml } from './support/runner-project.js';

const TYPES = new Set(['model', 'seed', 'test'] as const);

describe('ProjectCache', () => {
  it('reuses the parsed project while no file changed, with a new invocation each time', ({
    makeProject,
  }) => {
    const project = makeProject({ 'models/m.sql': 'select 1 as x\n' });
    const cache = new ProjectCache();
    const first = cache.prepare({ projectDir: project.dir }, TYPES);
    const second = cache.prepare({ projectDir: project.dir }, TYPES);
    expect(second.parsed.nodes).toBe(first.parsed.nodes);
    expect(second.parsed.invocationId).not.toBe(first.parsed.invocationId);
    // Other options shape the parse or the selection: they are not served from the cache.
    const selected = cache.prepare({ projectDir: project.dir, select: ['nothing'] }, TYPES);
    expect(selected.parsed.nodes).not.toBe(first.parsed.nodes);
    expect(selected.selected.size).toBe(0);
  });

  it('parses again when a model changes, a file is added or removed, or dbt_project.yml changes', async ({
    makeProject,
    openWarehouse,
  }) => {
    const project = makeProject({ 'models/m.sql': 'select 1 as x\n' });
    const warehouse = await openWarehouse();
    const cache = new ProjectCache();
    const options = { projectDir: project.dir, warehouse, projectCache: cache, print: false };
    expect((await build(options)).exitCode).toBe(0);
    // Same size as before: the change is seen by its modification time, not its length.
    project.write({ 'models/m.sql': 'select 2 as x\n' });
    expect((await build(options)).exitCode).toBe(0);
    const rows = await warehouse.connection.runAndReadAll('select x from m');
    expect(rows.getRowObjectsJson()).toEqual([{ x: 2 }]);

    project.write({ 'models/n.sql': "select x from {{ ref('m') }}\n" });
    expect((await build(options)).results.map((r) => r.name)).toEqual(['m', 'n']);
    rmSync(join(project.dir, 'models', 'n.sql'));
    expect((await build(options)).results.map((r) => r.name)).toEqual(['m']);

    project.write({
      'dbt_project.yml': projectYml('models:\n  demo:\n    +materialized: table\n'),
    });
    expect((await build(options)).results.map((r) => r.kind)).toEqual(['table']);
  });

  it('reports a project broken since the last build, and parses it again once fixed', ({
    makeProject,
  }) => {
    const project = makeProject({ 'models/m.sql': 'select 1 as x\n' });
    const cache = new ProjectCache();
    expect(cache.prepare({ projectDir: project.dir }, TYPES).selected.size).toBe(1);
    project.write({ 'models/m.sql': "select * from {{ ref('missing') }}\n" });
    expect(() => cache.prepare({ projectDir: project.dir }, TYPES)).toThrow(ProjectError);
    expect(() => cache.prepare({ projectDir: project.dir }, TYPES)).toThrow(ProjectError);
    project.write({ 'models/m.sql': 'select 1 as x\n' });
    expect(cache.prepare({ projectDir: project.dir }, TYPES).selected.size).toBe(1);
  });
});
