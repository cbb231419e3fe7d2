// column_compression: tables declared with DuckDB's `using compression`, same rows and types.
import { existsSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { ProjectError } from '../src/engine/project/project-issue.js';
import { type TestProject } from './support/runner-project.js';

/** 300,000 rows (several row groups) of a low-cardinality text column and a JSON column. */
const SELECT = `select
    range as id,
    'kind_' || (range % 3) as kind,
    json_object('n', range) as doc,
    (range / 100)::decimal(18, 2) as amount,
    {'a': range, 'b c': [range]} as nested
from range({{ var('start', 0) }}, {{ var('stop', 300000) }})`;

async function compressionOf(p: TestProject, column: string): Promise<string[]> {
  const rows = await p.query(
    `select distinct compression from pragma_storage_info('events')
     where column_name = '${column}' and segment_type <> 'VALIDITY' order by 1`,
  );
  return rows.map((r) => String(r['compression']));
}

describe('column_compression', () => {
  it('declares the chosen methods, keeps the columns types and rows, and later appends use them too', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/events.sql': `{{ config(materialized='incremental', incremental_strategy='append',
    column_compression={'kind': 'fsst', 'doc': 'uncompressed'}) }}
${SELECT}
{% if is_incremental() %}where range > (select max(id) from {{ this }}){% endif %}
`,
    });
    const first = await project.build();
    expect(first.results[0]!.message).toBe('SELECT 300000');
    // Left to itself, DuckDB stores three distinct values as a dictionary.
    expect(await compressionOf(project, 'kind')).toEqual(['FSST']);
    expect(await compressionOf(project, 'doc')).toEqual(['Uncompressed']);
    expect(
      await project.query(
        `select column_name, data_type from information_schema.columns
         where table_name = 'events' order by ordinal_position`,
      ),
    ).toEqual([
      { column_name: 'id', data_type: 'BIGINT' },
      { column_name: 'kind', data_type: 'VARCHAR' },
      { column_name: 'doc', data_type: 'JSON' },
      { column_name: 'amount', data_type: 'DECIMAL(18,2)' },
      { column_name: 'nested', data_type: 'STRUCT(a BIGINT, "b c" BIGINT[])' },
    ]);
    const more = await project.build({ vars: { start: 0, stop: 600000 } });
    expect(more.results[0]!.message).toBe('INSERT 300000');
    expect(await compressionOf(project, 'kind')).toEqual(['FSST']);
    expect(
      await project.query(
        `select count(*)::int as n, count(distinct id)::int as ids, sum(id)::varchar as total,
                count_if(doc->>'n' = id::varchar)::int as docs
         from events`,
      ),
    ).toEqual([{ n: 600000, ids: 600000, total: '179999700000', docs: 600000 }]);
  });

  it('lets a full build read the previous version through {{ this }}, as without it', async ({
    makeProject,
  }) => {
    // old table; the declared table must too (it is built under another name, then renamed).
    for (const compression of ['', ", column_compression={'kind': 'fsst'}"]) {
      const project = makeProject({
        'models/events.sql': `{{ config(materialized='table'${compression}) }}\nselect 1 as id, 'a' as kind\n`,
      });
      expect((await project.build()).results[0]!.message).toBe('SELECT 1');
      project.write({
        'models/events.sql': `{{ config(materialized='table'${compression}) }}\nselect id + 1 as id, kind from {{ this }}\nunion all select 10, 'b'\n`,
      });
      const second = await project.build();
      expect(second.results[0]!.message).toBe('SELECT 2');
      expect(await project.query('select id, kind from events order by id')).toEqual([
        { id: 2, kind: 'a' },
        { id: 10, kind: 'b' },
      ]);
      expect(
        await project.query(
          "select table_name from information_schema.tables where table_name like 'events%'",
        ),
      ).toEqual([{ table_name: 'events' }]);
      if (compression) expect(await compressionOf(project, 'kind')).toEqual(['FSST']);
    }
  });

  it('names the model and the columns it does not have, at build time', async ({ makeProject }) => {
    const project = makeProject({
      'models/events.sql': `{{ config(materialized='table', column_compression={'knd': 'fsst'}) }}\n${SELECT}\n`,
    });
    const result = await project.build();
    expect(result.results[0]!.status).toBe('error');
    expect(result.results[0]!.message).toContain(
      'model "events": column_compression names "knd", not among the model\'s columns (id, kind, doc, amount, nested)',
    );
  });

  it('reports a malformed setting with the project errors, before anything is built', async ({
    makeProject,
  }) => {
    for (const [setting, message] of [
      [
        "{'kind': 'fsst; drop table x'}",
        'models/events.sql: model "events": column_compression for column "kind" must be a compression method name',
      ],
      [
        "'fsst'",
        'models/events.sql: model "events": column_compression must map column names to compression methods',
      ],
    ] as const) {
      const project = makeProject({
        'models/events.sql': `{{ config(materialized='table', column_compression=${setting}) }}\n${SELECT}\n`,
      });
      const error = await project.build().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProjectError);
      expect((error as ProjectError).message).toContain(message);
      expect(existsSync(project.db)).toBe(false);
    }
  });
});
