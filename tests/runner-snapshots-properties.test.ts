// The snapshot materialization against an independent model of dbt's timestamp strategy: any
// sequence of query results, with or without invalidated hard deletes, gives the same history.
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';

interface SourceRow {
  readonly key: number;
  readonly value: string;
  /** Day of January 2000 the row says it changed. */
  readonly day: number;
}

interface Version {
  readonly key: number;
  readonly value: string;
  readonly from: number;
  /** A day, `deleted` (closed by the snapshot's clock) or null (current). */
  to: number | 'deleted' | null;
}

/** dbt's timestamp strategy, one build at a time. */
function referenceHistory(runs: readonly SourceRow[][], invalidate: boolean): Version[] {
  const versions: Version[] = [];
  for (const rows of runs) {
    const current = new Map(versions.filter((v) => v.to === null).map((v) => [v.key, v]));
    for (const row of rows) {
      const version = current.get(row.key);
      if (version && !(version.from < row.day)) continue;
      if (version) version.to = row.day;
      versions.push({ key: row.key, value: row.value, from: row.day, to: null });
    }
    if (!invalidate) continue;
    const present = new Set(rows.map((row) => row.key));
    for (const [key, version] of current) if (!present.has(key)) version.to = 'deleted';
  }
  return versions;
}

const day = (n: number): string => `2000-01-${String(n).padStart(2, '0')} 00:00:00`;

/** One query result: distinct keys, each with a value and a day. */
const sourceRows = fc.uniqueArray(
  fc.record({
    key: fc.integer({ min: 1, max: 4 }),
    value: fc.constantFrom('a', 'b', 'c'),
    day: fc.integer({ min: 1, max: 9 }),
  }),
  { selector: (row) => row.key, maxLength: 4 },
);

describe('snapshot history against the reference model', () => {
  it('timestamp strategy, hard deletes ignored or invalidated', async ({ makeProject }) => {
    const project = makeProject({ 'seeds/src.csv': 'key,value,updated_at\n' });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(sourceRows, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (runs, invalidate) => {
          run += 1;
          // A new schema per case: a snapshot's history is never rebuilt.
          project.write({
            'snapshots/s.sql': `{% snapshot s %}
{{ config(target_schema='case_${run}', unique_key='key', strategy='timestamp', updated_at='updated_at', invalidate_hard_deletes=${invalidate ? 'True' : 'False'}) }}
select key, value, updated_at from {{ ref('src') }}
{% endsnapshot %}
`,
            'seeds/properties.yml':
              'version: 2\nseeds:\n  - name: src\n    config:\n      column_types: {key: integer, value: varchar, updated_at: timestamp}\n',
          });
          for (const rows of runs) {
            project.write({
              'seeds/src.csv': `key,value,updated_at\n${rows.map((r) => `${r.key},${r.value},${day(r.day)}`).join('\n')}\n`,
            });
            const result = await project.build();
            expect(result.exitCode).toBe(0);
          }
          const actual = await project.query(
            `select key, value, day(dbt_valid_from)::int as "from",
               case when dbt_valid_to is null then null
                    when dbt_valid_to >= timestamp '2001-01-01' then 'deleted'
                    else day(dbt_valid_to)::varchar end as "to",
               dbt_scd_id
             from case_${run}.s order by key, dbt_valid_from, value`,
          );
          const expected = referenceHistory(runs, invalidate)
            .map((v) => ({ ...v, to: typeof v.to === 'number' ? String(v.to) : v.to }))
            .sort((a, b) => a.key - b.key || a.from - b.from || a.value.localeCompare(b.value));
          expect(actual.map(({ dbt_scd_id: _, ...rest }) => rest)).toEqual(expected);
          expect(new Set(actual.map((row) => row['dbt_scd_id'])).size).toBe(actual.length);
        },
      ),
      { numRuns: 15, seed: 1207, endOnFailure: true },
    );
  });
});
