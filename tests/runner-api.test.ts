// The runner's typed API as a TypeScript script uses it: everything from src/index.ts.
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import {
  compileProject,
  listNodes,
  parseVars,
  ProjectError,
  runProject,
  type BuildOptions,
  type BuildResult,
  type NodeResult,
  type NodeStatus,
} from '../src/index.js';
import { UserError } from '../src/base/errors/user-error.js';
import { type TestProject } from './support/runner-project.js';

describe('typed API (src/index.ts)', () => {
  it('runProject takes dir, selection, vars, full refresh and db path, and returns typed per-node results', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/s.csv': 'id\n1\n2\n',
      'models/m.sql':
        "{{ config(materialized='incremental', unique_key='id') }}\nselect id, '{{ var('label') }}' as label from {{ ref('s') }}\n",
      'models/other.sql': 'select 1 as x\n',
    });
    const options: BuildOptions = {
      projectDir: project.dir,
      dbPath: project.db,
      select: ['+m'],
      exclude: ['other'],
      vars: parseVars('{"label": "from json"}'),
      fullRefresh: true,
      print: false,
    };
    const result: BuildResult = await runProject('build', options);
    expect(result.exitCode).toBe(0);
    const rows: [string, NodeStatus, number | null][] = result.results.map((r: NodeResult) => [
      r.uniqueId,
      r.status,
      r.rowsAffected,
    ]);
    expect(rows).toEqual([
      ['seed.demo.s', 'success', 2],
      ['model.demo.m', 'success', 2],
    ]);
    expect(await project.query('select distinct label from m')).toEqual([{ label: 'from json' }]);
    expect(listNodes({ projectDir: project.dir, select: ['m+'] }).map((n) => n.uniqueId)).toEqual([
      'model.demo.m',
    ]);
    expect(
      compileProject({ projectDir: project.dir, vars: { label: 'x' }, write: false }),
    ).toHaveLength(2);
  });

  it('project problems (unknown ref and cycle together) reject with a ProjectError listing every issue, before the warehouse is touched', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/a.sql': "select * from {{ ref('missing') }}\n",
      'models/b.sql': "select * from {{ ref('b') }}\n",
    });
    const error = await runProject('build', {
      projectDir: project.dir,
      dbPath: project.db,
      print: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProjectError);
    expect((error as ProjectError).issues.map((i) => i.file)).toEqual([
      'models/a.sql',
      'models/b.sql',
    ]);
    expect((error as ProjectError).message).toContain('b (models/b.sql) refers to itself');
    const { existsSync } = await import('node:fs');
    expect(existsSync(project.db)).toBe(false);
  });
});

describe('parseVars (--vars)', () => {
  it('accepts YAML and JSON mappings', () => {
    expect(parseVars('{watermark_minutes: 30, start: 2024-01-01}')).toEqual({
      watermark_minutes: 30,
      start: '2024-01-01',
    });
    expect(parseVars('{"a": [1, 2], "b": {"c": null}}')).toEqual({ a: [1, 2], b: { c: null } });
    expect(parseVars('a: 1\nb: two\n')).toEqual({ a: 1, b: 'two' });
    expect(parseVars('')).toEqual({});
  });

  it('rejects a non-mapping or invalid text with a UserError (exit 2) saying what is expected', () => {
    for (const [text, pattern] of [
      ['[1, 2]', /--vars must be a mapping/],
      ['42', /--vars must be a mapping/],
      ['{a: 1', /--vars is not valid YAML or JSON/],
    ] as const) {
      let error: unknown;
      try {
        parseVars(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      expect((error as Error).message).toMatch(pattern);
    }
  });
});
