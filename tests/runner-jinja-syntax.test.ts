import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { compileProject } from '../src/engine/runner/compile-project.js';
import type { TestProject } from './support/runner-project.js';

function compiled(project: TestProject, name = 'm'): string {
  const nodes = compileProject({ projectDir: project.dir, write: false });
  return nodes.find((n) => n.name === name)!.sql.trim();
}

function compileError(project: TestProject): string {
  try {
    compileProject({ projectDir: project.dir, write: false });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the project not to compile');
}

/** A project whose model `m` is `sql`, with `macros` in macros/m.sql. */
function withModel(
  makeProject: (files: Record<string, string>) => TestProject,
  sql: string,
  macros = '',
): TestProject {
  return makeProject({ 'models/m.sql': sql, ...(macros ? { 'macros/m.sql': macros } : {}) });
}

describe('Jinja2 syntax dbt packages use', () => {
  it('trailing commas in lists, dicts, tuples, calls and macro signatures', ({ makeProject }) => {
    const project = withModel(
      makeProject,
      "{{ pair(1, 2,) }} {{ [1, 2,] | join('-') }} {{ {'a': 1,} | tojson }} {{ (3,) | join }}",
      '{% macro pair(a, b,) %}{{ a }}+{{ b }}{% endmacro %}',
    );
    expect(compiled(project)).toBe('1+2 1-2 {"a":1} 3');
  });

  it('dict keys that are expressions or variables, as in Jinja; literal keys unchanged', ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{%- set col = {'column': 'id', 'dtype': 'int'} -%}
{%- set k = 'name' -%}
{{ {col.column: col.dtype} | tojson }} {{ {k: 1, 'k': 2} | tojson }} {{ {(k ~ '_2'): 3} | tojson }}`,
    );
    expect(compiled(project)).toBe('{"id":"int"} {"name":1,"k":2} {"name_2":3}');
  });

  it('*args and **kwargs at call sites; varargs and kwargs inside macros', ({ makeProject }) => {
    const project = withModel(
      makeProject,
      `{%- set items = ['a', 'b', 'c'] -%}
{%- set options = {'sep': '|', 'extra': 'x'} -%}
{{ show(*items, **options) }} / {{ show(1) }} / {{ show(1, 2, flag=true) }}`,
      `{% macro show(first) -%}
{{ first }}:{{ varargs | join(',') }}:{{ kwargs | dictsort | map('join', '=') | join(' ') }}
{%- endmacro %}`,
    );
    expect(compiled(project)).toBe('a:b,c:extra=x sep=| / 1:: / 1:2:flag=true');
  });

  it('a backslash before a line break continues a string; multi-line strings take .format()', ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{%- set text = "one \\
two" -%}
{%- set sql = "select {}
from {table}" -%}
{{ text }} | {{ sql.format('x', table='t') | replace('\\n', ' ') }}`,
    );
    expect(compiled(project)).toBe('one two | select x from t');
  });

  it('namespace() with {% set ns.attr = … %} carries a value out of a loop', ({ makeProject }) => {
    const project = withModel(
      makeProject,
      `{%- set ns = namespace(total=0, seen=[]) -%}
{%- for i in [1, 2, 3] -%}{%- set ns.total = ns.total + i -%}{%- do ns.seen.append(i) -%}{%- endfor -%}
{{ ns.total }} {{ ns.seen | join(',') }}`,
    );
    expect(compiled(project)).toBe('6 1,2,3');
  });

  it('setting an attribute on a value that has none names the line', ({ makeProject }) => {
    const project = withModel(makeProject, 'select 1\n{% set s = none %}\n{% set s.x = 1 %}\n');
    expect(compileError(project)).toMatch(/models\/m\.sql:3: .*cannot set attribute x/);
  });

  it('Python string methods: lower, upper, strip, startswith, endswith, replace (every match), split, format, title', ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{%- set s = '  Ab_ab_AB  ' -%}
{{ s.strip().lower() }} {{ s.strip().upper() }} {{ s.strip().startswith('Ab') }} {{ s.strip().endswith(('x', 'AB')) }} {{ s.replace('b', 'c') | trim }} {{ s.strip().split('_') | join('/') }} {{ 'xxhixx'.strip('x') }} {{ '{} {name}'.format(1, name='n') }} {{ 'hello world'.title() }}`,
    );
    expect(compiled(project)).toBe(
      'ab_ab_ab AB_AB_AB True True Ac_ac_AB Ab/ab/AB hi 1 n Hello World',
    );
  });

  it('loop variables, {% do %}, {% call %} with caller(), {% set %}…{% endset %} and list.extend', ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{%- set cols = ['a', 'b'] -%}
{%- do cols.extend(['c']) -%}
{%- set block -%}x{{ 1 + 1 }}{%- endset -%}
{% for c in cols %}{{ loop.index }}{{ c }}{% if not loop.last %},{% endif %}{% endfor %} {{ block }} {% call wrap('[') %}inside{% endcall %}`,
      '{% macro wrap(open) %}{{ open }}{{ caller() }}]{% endmacro %}',
    );
    expect(compiled(project)).toBe('1a,2b,3c x2 [inside]');
  });

  it('loop filters (for x in xs if cond) keep only matching items, loop.* counting those', ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{%- set cols = [{'name': 'id', 'n': 1}, {'name': 'x', 'n': 0}, {'name': 'y', 'n': 2}] -%}
{% for c in cols if c.n %}{{ loop.index }}/{{ loop.length }}{{ c.name }}{{ ',' if not loop.last }}{% endfor %} {% for k, v in {'a': 1, 'b': 0}.items() if v %}{{ k }}{% endfor %} {% for c in cols if c.n > 5 %}{{ c }}{% else %}none{% endfor %} {% for c in (cols if false else []) %}never{% endfor %}`,
    );
    expect(compiled(project)).toBe('1/2id,2/2y a none');
  });

  it('return() leaves the macro at once, its caller keeping its own variables', ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{%- set x = 'caller' -%}{{ early(true) }} {{ early(false) }} {{ x }}`,
      `{% macro early(stop) %}{% set x = 'macro' %}{% if stop %}{{ return('stopped') }}{% endif %}{{ exceptions.raise_compiler_error('not reached when stopped') if stop }}went on{% endmacro %}`,
    );
    expect(compiled(project)).toBe('stopped went on caller');
  });

  it("Python's sets, ==/!= on lists, dicts and sets, and in", ({ makeProject }) => {
    const project = withModel(
      makeProject,
      `{%- set a = set(['x', 'y']) -%}{%- do a.add('z') -%}
{{ a == set(['z', 'y', 'x']) }} {{ a != set(['x']) }} {{ [1, 2] == [1, 2] }} {{ {'k': [1]} == {'k': [1]} }} {{ 'y' in a }} {{ a | sort | join(',') }} {{ a.difference(['x']) | list | length }} {{ a.issuperset(['x', 'y']) }} {{ local_md5('a') }} {{ fromjson('{"n": 2}').n }}`,
    );
    expect(compiled(project)).toBe(
      'True True True True True x,y,z 2 True 0cc175b9c0f1b6a831c399e269772661 2',
    );
  });

  it('modules.re and modules.datetime / pytz behave as Python', ({ makeProject }) => {
    const project = withModel(
      makeProject,
      `{%- set re = modules.re -%}{%- set dt = modules.datetime -%}
{{ re.sub('[^a-z0-9_]+', '_', 'Order Items!' | lower) }} {{ re.sub('(\\w+)@(\\w+)', '\\2.\\1', 'me@home') }} {{ re.match('(?P<y>\\d{4})-', '2024-05').group('y') }} {{ re.search('z', 'abc') is none }} {{ re.findall('\\d+', 'a1b22') | join('+') }} {{ re.compile('ORDER', re.IGNORECASE).match('order_id') is not none }}
{{ dt.datetime(2024, 1, 31, 13, 5, 9).strftime('%Y-%m-%d %H:%M:%S %a %b %j') }} {{ (dt.date(2024, 2, 28) + dt.timedelta(days=2)).isoformat() }} {{ dt.datetime.strptime('03/02/2024', '%d/%m/%Y').date() }} {{ dt.datetime(2024, 7, 1, 12, tzinfo=modules.pytz.utc).astimezone(modules.pytz.timezone('America/New_York')).isoformat() }} {{ dt.datetime(2024, 1, 2) - dt.datetime(2024, 1, 1) }} {{ dt.datetime(2024, 1, 2) > dt.datetime(2024, 1, 1) }} {{ modules.pytz.timezone('Asia/Tokyo').localize(dt.datetime(year=2026, month=9, day=1)).timestamp() == dt.datetime.fromisoformat('2026-08-31T15:00:00+00:00').timestamp() }} {{ run_started_at.tzinfo is not none }}
{{ modules.pytz.timezone('America/New_York').localize(dt.datetime(2024, 3, 10, 3, 30)).isoformat() }} {{ dt.date(2024, 1, 1) == dt.date(2024, 1, 1) }} {{ dt.timedelta(days=1) == dt.timedelta(hours=24) }} {{ re.sub('a(?=b)', 'X', 'ab ac') }} {{ re.sub('a+', '<\\g<0>>', 'caat') }} {% for x in set(['a', 'b']) if x != 'a' %}{{ x }}{% endfor %} {{ set([]) }}`,
    );
    expect(compiled(project)).toBe(
      'order_items_ home.me 2024 True 1+22 True\n2024-01-31 13:05:09 Wed Jan 031 2024-03-01 2024-02-03 2024-07-01T08:00:00-04:00 1 day, 0:00:00 True True True\n2024-03-10T03:30:00-04:00 True True Xb ac c<aa>t b set()',
    );
  });

  it("filters: map (attribute= and a filter's name), unique, selectattr and rejectattr with a test, zip", ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{%- set cols = [{'name': 'ID', 'type': 'int'}, {'name': 'id', 'type': 'int'}, {'name': 'x', 'type': 'text'}] -%}
{{ cols | map(attribute='name') | join(',') }} {{ cols | map(attribute='name') | map('lower') | unique | join(',') }} {{ cols | selectattr('type', 'equalto', 'int') | map(attribute='name') | join(',') }} {{ cols | rejectattr('name', 'in', ['x']) | list | length }} {{ cols | selectattr('name', '==', 'x') | list | length }} {% for a, b in zip([1, 2], ['p', 'q']) %}{{ a }}{{ b }}{% endfor %}`,
    );
    expect(compiled(project)).toBe('ID,id,x id,x ID,id 2 1 1p2q');
  });

  it('a test name that does not exist in selectattr is an error naming the line', ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      "select 1\n{{ [1] | selectattr('x', 'no_such_test') | list }}\n",
    );
    expect(compileError(project)).toMatch(/models\/m\.sql:2: .*no test named 'no_such_test'/);
  });

  it("Python's truth and operators: empty lists and dicts are false, and/or return an operand, + joins lists, * repeats, % formats", ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{%- set empty = [] -%}{%- set nothing = {} -%}
{{ 'yes' if empty else 'no' }} {% if nothing %}yes{% else %}no{% endif %} {{ not empty }} {{ empty or 'fallback' }} {{ ['x'] and 'second' }} {{ (['a'] + ['b']) | join(',') }} {{ 'ab' * 2 }} {{ ([0] * 3) | length }} {{ '%s-%d-%.1f%%' % ('x', 3.7, 2.26) }} {{ 7 % 4 }} {{ 1 + 2 }}`,
    );
    expect(compiled(project)).toBe('no no True fallback second a,b abab 3 x-3-2.3% 3 3');
  });

  it("Python's floats: / gives a float, floats stay floats and print with .0, // and % floor", ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{{ 10 / 2 }} {{ 10 / 4 }} {{ 7 // 2 }} {{ 7.0 // 2 }} {{ -7 % 3 }} {{ (10 / 2) + 1 }} {{ -(4 / 2) }} {{ [1.0, 2] }} {{ (10 / 2) == 5 }} {{ (10 / 2) == (20 / 4) }} {{ 5 in [10 / 2] }} {{ (10 / 2) is float }} {{ 5 is float }} {{ (10 / 2) is number }} {{ 4.6 | round }} {{ (10 / 2) | int }} {{ 'yes' if 0 / 1 else 'no' }} {{ 10000000000000000 / 1 }}`,
    );
    expect(compiled(project)).toBe(
      '5.0 2.5 3 3.0 2 6.0 -2.0 [1.0, 2] True True True True False True 5.0 5 no 1e+16',
    );
  });

  it('a division by zero is an error naming the line, as Python raises', ({ makeProject }) => {
    const project = withModel(makeProject, 'select 1\n{{ 1 / 0 }}\n');
    expect(compileError(project)).toMatch(/models\/m\.sql:2: .*division by zero/);
  });

  it("modules.re's $ matches before a final newline, \\A and \\Z only at the ends; strftime's week directives", ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      `{%- set re = modules.re -%}{%- set dt = modules.datetime -%}
{{ re.search('a$', 'xa\\n') is not none }} {{ re.search('a\\Z', 'xa\\n') is none }} {{ re.findall('^b', 'a\\nb', re.M) | length }} {{ re.search('\\Ab', 'a\\nb', re.M) is none }} {{ re.sub('[$]', 'D', '$1') }} {{ re.sub('[]x]', '_', 'a]x') }}
{% for d in ['2021-01-01', '2021-01-04', '2024-12-30', '2023-01-01'] %}{{ dt.datetime.strptime(d, '%Y-%m-%d').strftime('%U/%W/%V/%G/%u') }} {% endfor %}{{ dt.datetime(2026, 12, 4, 9, 5, 3).strftime('%c|%x|%X') }}`,
    );
    expect(compiled(project)).toBe(
      'True True 1 True D1 a__\n00/00/53/2020/5 01/01/01/2021/1 52/53/01/2025/1 01/00/52/2022/7 Fri Dec  4 09:05:03 2026|12/04/26|09:05:03',
    );
  });

  it('{% set ns.attr %}…{% endset %} captures a block into a namespace attribute', ({
    makeProject,
  }) => {
    const project = withModel(
      makeProject,
      '{%- set ns = namespace(sql=none) -%}\n{%- set ns.sql -%}select {{ 1 + 1 }}{%- endset -%}\n{{ ns.sql }}',
    );
    expect(compiled(project)).toBe('select 2');
  });
});
