import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';

/** Each expression rendered by a dbt macro, and what DuckDB computes for it (as text). */
const CASES: [string, string][] = [
  [`dbt.safe_cast("'12'", dbt.type_int())`, '12'],
  [`dbt.safe_cast("'x'", dbt.type_int())`, 'null'],
  [`dbt.cast("'2.5'", dbt.type_float())`, '2.5'],
  [`dbt.cast("'3'", type_bigint())`, '3'],
  [`dbt.concat(["'a'", "'b'", "'c'"])`, 'abc'],
  [`dbt.hash("'a'")`, '0cc175b9c0f1b6a831c399e269772661'],
  // DuckDB truncates a date to a timestamp, as dbt-duckdb's date_trunc gives.
  [`dbt.date_trunc('month', "date '2024-03-15'")`, '2024-03-01 00:00:00'],
  [`dbt.dateadd('day', 3, "date '2024-01-30'")`, '2024-02-02 00:00:00'],
  [`dbt.dateadd('month', -1, "timestamp '2024-03-31 10:00:00'")`, '2024-02-29 10:00:00'],
  [`dbt.datediff("date '2024-01-01'", "date '2024-03-01'", 'day')`, '60'],
  [`dbt.datediff("date '2024-01-31'", "date '2024-02-01'", 'month')`, '1'],
  [`dbt.last_day("date '2024-02-10'", 'month')`, '2024-02-29'],
  [`dbt.split_part("'a,b,c'", "','", 2)`, 'b'],
  [`dbt.position("'b'", "'abc'")`, '2'],
  [`dbt.right("'abcd'", 2)`, 'cd'],
  [`dbt.length("'abcd'")`, '4'],
  [`dbt.replace("'aXaX'", "'X'", "'Y'")`, 'aYaY'],
  [`dbt.cast_bool_to_text('true')`, 'true'],
  [`dbt.string_literal(dbt.escape_single_quotes("it's"))`, "it's"],
  [`dbt.array_construct(['1', '2'])`, '[1, 2]'],
  [`dbt.array_append(dbt.array_construct(['1']), '2')`, '[1, 2]'],
  [`dbt.array_concat(dbt.array_construct(['1']), dbt.array_construct(['2']))`, '[1, 2]'],
  [`dbt.equals('null', 'null')`, 'true'],
  [`dbt.equals('1', '2')`, 'false'],
  [`dbt.date(2024, 2, 29)`, '2024-02-29'],
  [`date_trunc('year', "date '2024-05-05'")`, '2024-01-01 00:00:00'],
];

describe("dbt's cross-database macros", () => {
  it('render SQL that DuckDB computes as dbt-duckdb does, through dbt. and bare', async ({
    makeProject,
  }) => {
    const columns = CASES.map(
      ([call], i) => `coalesce(cast({{ ${call} }} as varchar), 'null') as c${i}`,
    ).join(',\n');
    const project = makeProject({ 'models/m.sql': `select\n${columns}\n` });
    const result = await project.build();
    expect(result.exitCode).toBe(0);
    const [row] = await project.query('select * from m');
    const got = CASES.map(([call], i) => [call, row![`c${i}`]]);
    expect(got).toEqual(CASES.map(([call, want]) => [call, want]));
  });

  it('aggregates and set operations: listagg (with order and limit), any_value, bool_or, except, intersect', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/t.sql':
        "select * from (values (1, 'a', true), (2, 'b', false), (3, 'c', false)) as t(n, s, f)\n",
      'models/m.sql': `select
  {{ dbt.listagg('s', "'|'", 'order by n desc') }} as all_s,
  {{ dbt.listagg('s', "','", 'order by n', 2) }} as first_two,
  {{ dbt.bool_or('f') }} as any_f,
  {{ dbt.any_value('1') }} as one,
  (select count(*) from (select n from {{ ref('t') }} {{ dbt.except() }} select 1)) as after_except,
  (select count(*) from (select n from {{ ref('t') }} {{ dbt.intersect() }} select 1)) as after_intersect
from {{ ref('t') }}
`,
    });
    expect((await project.build()).exitCode).toBe(0);
    const [row] = await project.query('select * from m');
    expect(row).toEqual({
      all_s: 'c|b|a',
      first_two: 'a,b',
      any_f: true,
      one: 1,
      after_except: '2',
      after_intersect: '1',
    });
  });

  it('date_spine and generate_series give the periods and numbers dbt gives', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/days.sql':
        "{{ dbt.date_spine('day', \"cast('2024-02-27' as date)\", \"cast('2024-03-02' as date)\") }}\n",
      'models/numbers.sql': '{{ dbt.generate_series(4) }}\n',
    });
    expect((await project.build()).exitCode).toBe(0);
    const days = await project.query(
      'select cast(date_day as varchar) as d from days order by date_day',
    );
    expect(days.map((r) => r['d'])).toEqual([
      '2024-02-27 00:00:00',
      '2024-02-28 00:00:00',
      '2024-02-29 00:00:00',
      '2024-03-01 00:00:00',
    ]);
    const numbers = await project.query('select generated_number as n from numbers order by 1');
    expect(numbers.map((r) => Number(r['n']))).toEqual([1, 2, 3, 4]);
  });

  it("a project's duckdb__ or default__ macro overrides dbt's through dispatch", async ({
    makeProject,
  }) => {
    const project = makeProject({
      'macros/override.sql':
        "{% macro duckdb__date_trunc(datepart, date) %}'overridden {{ datepart }}'{% endmacro %}\n",
      'models/m.sql': "select {{ dbt.date_trunc('day', 'now()') }} as x\n",
    });
    expect((await project.build()).exitCode).toBe(0);
    expect(await project.query('select x from m')).toEqual([{ x: 'overridden day' }]);
  });
});
