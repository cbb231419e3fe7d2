import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { compileProject } from '../src/engine/runner/compile-project.js';
import { projectYml, statuses, type TestProject } from './support/runner-project.js';

function compiled(project: TestProject, name: string): string {
  const nodes = compileProject({ projectDir: project.dir, write: false });
  return nodes.find((n) => n.name === name)!.sql.trim();
}

/** A package as `dbt deps` leaves it: `dbt_packages/<folder>/dbt_project.yml` and its files. */
function installed(
  folder: string,
  name: string,
  files: Record<string, string>,
  extra = '',
): Record<string, string> {
  const out: Record<string, string> = {
    [`dbt_packages/${folder}/dbt_project.yml`]: `name: ${name}\nversion: '1.0.0'\n${extra}`,
  };
  for (const [path, text] of Object.entries(files)) out[`dbt_packages/${folder}/${path}`] = text;
  return out;
}

const UTILS = installed('utils', 'utils', {
  'macros/keys.sql': `{% macro surrogate_key(columns) -%}
md5({% for column in columns %}coalesce(cast({{ column }} as varchar), '_null_'){% if not loop.last %} || '-' || {% endif %}{% endfor %})
{%- endmacro %}

{% macro both_keys(a, b) -%}
{{ surrogate_key([a, b]) }} as key_ab, {{ local_suffix() }} as suffix
{%- endmacro %}
`,
  'macros/shout.sql': `{% macro shout(text) -%}
{{ return(adapter.dispatch('shout', 'utils')(text)) }}
{%- endmacro %}

{% macro default__shout(text) -%}
upper('{{ text }}')
{%- endmacro %}
`,
  'macros/generic/positive.sql': `{% test is_positive(model, column_name) %}
select * from {{ model }} where {{ column_name }} <= 0
{% endtest %}
`,
});

describe('installed packages (dbt_packages/)', () => {
  it("calls a package's macros through its name; inside the package they call each other and the root project's by bare name", ({
    makeProject,
  }) => {
    const project = makeProject({
      ...UTILS,
      'packages.yml': 'packages:\n  - local: ../utils\n',
      'macros/suffix.sql': "{% macro local_suffix() %}'root'{% endmacro %}\n",
      'models/m.sql': "select {{ utils.both_keys('a', 'b') }} from (select 1 as a, 2 as b)\n",
    });
    expect(compiled(project, 'm')).toBe(
      "select md5(coalesce(cast(a as varchar), '_null_') || '-' || coalesce(cast(b as varchar), '_null_')) as key_ab, 'root' as suffix from (select 1 as a, 2 as b)",
    );
  });

  it("does not make a package's macros global: a bare call from the root project fails, naming the model", ({
    makeProject,
  }) => {
    const project = makeProject({
      ...UTILS,
      'models/m.sql': "select {{ surrogate_key(['a']) }} as k\n",
    });
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      /models\/m\.sql:1: .*surrogate_key/,
    );
  });

  it("adapter.dispatch: the package's default__ implementation, overridden by the root project's, and by a shim package named in dispatch:", ({
    makeProject,
  }) => {
    const project = makeProject({
      ...UTILS,
      'models/m.sql': "select {{ utils.shout('hi') }} as s\n",
    });
    expect(compiled(project, 'm')).toBe("select upper('hi') as s");

    project.write({
      'macros/shout.sql': "{% macro duckdb__shout(text) %}'root {{ text }}'{% endmacro %}\n",
    });
    expect(compiled(project, 'm')).toBe("select 'root hi' as s");

    project.write({
      ...installed('shim', 'shim', {
        'macros/shout.sql': "{% macro default__shout(text) %}'shim {{ text }}'{% endmacro %}\n",
      }),
      'dbt_project.yml': projectYml(
        'dispatch:\n  - macro_namespace: utils\n    search_order: [shim, utils]\n',
      ),
    });
    expect(compiled(project, 'm')).toBe("select 'shim hi' as s");
  });

  it('adapter.dispatch without an implementation names the macro, the candidates and the packages searched', ({
    makeProject,
  }) => {
    const project = makeProject({
      ...UTILS,
      'models/m.sql': "select {{ adapter.dispatch('nothing', 'utils')() }} as s\n",
      'models/n.sql': "select {{ adapter.dispatch('x', 'absent')() }} as s\n",
    });
    let message = '';
    try {
      compileProject({ projectDir: project.dir, write: false });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      "models/m.sql:1: adapter.dispatch('nothing', 'utils'): no macro duckdb__nothing or default__nothing in demo, utils",
    );
    expect(message).toContain(
      "models/n.sql:1: adapter.dispatch('x', 'absent'): no package named absent is installed",
    );
  });

  it('refuses a dispatch: search_order naming a package that is not installed', ({
    makeProject,
  }) => {
    const project = makeProject({
      ...UTILS,
      'dbt_project.yml': projectYml(
        'dispatch:\n  - macro_namespace: utils\n    search_order: [spark_utils, utils]\n',
      ),
      'models/m.sql': 'select 1 as x\n',
    });
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      /dbt_project\.yml: dispatch: the search_order of utils names spark_utils/,
    );
  });

  it("runs a package's generic test under its namespace and dbt's name; a root test of the same name does not stand in for it", async ({
    makeProject,
  }) => {
    const project = makeProject({
      ...UTILS,
      // A root test of the same name that would pass everything.
      'tests/generic/is_positive.sql':
        '{% test is_positive(model, column_name) %}\nselect 1 where false\n{% endtest %}\n',
      'models/m.sql': 'select * from (values (1), (0), (-2)) as t(n)\n',
      'models/m.yml': `version: 2
models:
  - name: m
    columns:
      - name: n
        data_tests:
          - utils.is_positive
          - is_positive
`,
    });
    const result = await project.build();
    expect(statuses(result)).toMatchObject({
      m: 'success',
      utils_is_positive_m_n: 'fail',
      is_positive_m_n: 'pass',
    });
    expect(result.results.find((r) => r.name === 'utils_is_positive_m_n')!.failures).toBe(2);
    const manifest = JSON.parse(readFileSync(join(project.dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.macros['macro.utils.test_is_positive']).toMatchObject({
      package_name: 'utils',
      original_file_path: 'dbt_packages/utils/macros/generic/positive.sql',
    });
    expect(manifest.macros['macro.demo.test_is_positive']).toBeDefined();
  });

  it('an unqualified test name finds a package test when the root project has none', async ({
    makeProject,
  }) => {
    const project = makeProject({
      ...UTILS,
      'models/m.sql': 'select * from (values (1), (-2)) as t(n)\n',
      'models/m.yml':
        'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: n\n        data_tests: [is_positive]\n',
    });
    const result = await project.build();
    expect(result.results.find((r) => r.name === 'is_positive_m_n')).toMatchObject({
      status: 'fail',
      failures: 1,
    });
  });

  it('names the package of an unknown namespaced test, and says when that package is not installed', ({
    makeProject,
  }) => {
    const project = makeProject({
      ...UTILS,
      'models/m.sql': 'select 1 as n\n',
      'models/m.yml': `version: 2
models:
  - name: m
    columns:
      - name: n
        data_tests: [utils.is_positiv, dbt_expectations.expect_column_to_exist]
`,
    });
    let message = '';
    try {
      compileProject({ projectDir: project.dir, write: false });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      'unknown test "utils.is_positiv" on m: no {% test is_positiv(...) %} in package utils. Did you mean "is_positive"?',
    );
    expect(message).toContain(
      'unknown test "dbt_expectations.expect_column_to_exist" on m: no {% test expect_column_to_exist(...) %} in package dbt_expectations, which is not installed (installed: utils;',
    );
  });

  it('refuses to run when packages are declared but not installed, and says to run deps', ({
    makeProject,
  }) => {
    const project = makeProject({
      'packages.yml':
        'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n  - local: ../mine\n',
      'models/m.sql': 'select 1 as x\n',
    });
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      /packages\.yml: 2 package\(s\) are declared, but only 0 installed in dbt_packages\/: run "npm run dbt -- deps"/,
    );
  });

  it('names the file and line of a malformed packages.yml entry', ({ makeProject }) => {
    const project = makeProject({
      'packages.yml': 'packages:\n  - local: ../a\n  - revision: main\n',
      'models/m.sql': 'select 1 as x\n',
    });
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      /packages\.yml:3: each package needs exactly one of local:, git: or package: \(got none\)/,
    );
  });

  it('a package file that does not compile is a warning; calling one of its macros fails with its file and reason', ({
    makeProject,
  }) => {
    const broken = installed('broken', 'broken', {
      'macros/ok.sql': "{% macro fine() %}'fine'{% endmacro %}\n",
      'macros/bad.sql': "{% macro bad() %}\n{{ 'x' ~ }}\n{% endmacro %}\n",
    });
    const project = makeProject({ ...broken, 'models/m.sql': 'select {{ broken.fine() }} as f\n' });
    expect(compiled(project, 'm')).toBe("select 'fine' as f");
    project.write({ 'models/m.sql': 'select {{ broken.bad() }} as f\n' });
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      /models\/m\.sql:1: broken\.bad \(dbt_packages\/broken\/macros\/bad\.sql:2\) does not compile/,
    );
  });

  it('macros whose names start with _ are callable through the namespace, as dbt packages call them', ({
    makeProject,
  }) => {
    const project = makeProject({
      ...installed('priv', 'priv', {
        'macros/p.sql':
          '{% macro _helper(x) %}[{{ x }}]{% endmacro %}\n{% macro public(x) %}{{ priv._helper(x) }}{{ _helper(x) }}{% endmacro %}\n',
      }),
      'models/m.sql': "select '{{ priv.public(1) }}{{ priv._helper(2) }}' as s\n",
    });
    expect(compiled(project, 'm')).toBe("select '[1][1][2]' as s");
  });
});

describe("a package's models and seeds", () => {
  const SHOP = installed(
    'shop',
    'shop',
    {
      'seeds/shop_codes.csv': 'code,label\n1,one\n2,two\n',
      'macros/label.sql': '{% macro code_label(column) %}upper({{ column }}){% endmacro %}\n',
      'models/staging/shop_orders.sql':
        "{{ config(materialized='table') }}\nselect code, {{ code_label('label') }} as label, {{ var('shop_factor') }} as factor from {{ ref('shop_codes') }}\n",
      'models/staging/shop_orders.yml':
        'version: 2\nmodels:\n  - name: shop_orders\n    columns:\n      - name: code\n        tests: [not_null, unique]\n',
      'models/extras/shop_extra.sql': 'select 1 as x\n',
      'snapshots/codes.yml':
        "snapshots:\n  - name: shop_codes_history\n    relation: ref('shop_codes')\n    config: {unique_key: code, strategy: check, check_cols: all}\n",
      'snapshots/shop_history.sql': `{% snapshot shop_history %}
{{ config(unique_key='code', strategy='check', check_cols=['label']) }}
select code, {{ code_label('label') }} as label from {{ ref('shop_codes') }}
{% endsnapshot %}
`,
    },
    'vars:\n  shop_factor: 1\nmodels:\n  shop:\n    +materialized: table\n    +schema: shop\n',
  );

  it('are built with the root project, their macros and vars first, the root project overriding their config', async ({
    makeProject,
  }) => {
    const project = makeProject({
      ...SHOP,
      'dbt_project.yml': projectYml(
        'vars:\n  shop:\n    shop_factor: 10\nmodels:\n  shop:\n    extras:\n      +enabled: false\n    staging:\n      +materialized: view\n',
      ),
      'models/report.sql': "select sum(code * factor) as total from {{ ref('shop_orders') }}\n",
    });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    expect(Object.keys(statuses(result)).sort()).toEqual(
      [
        'not_null_shop_orders_code',
        'report',
        'shop_codes',
        'shop_codes_history',
        'shop_history',
        'shop_orders',
        'unique_shop_orders_code',
      ].sort(),
    );
    // The package's +schema and +materialized apply; the root's vars scoped to it win over its own.
    expect(
      await project.query(
        'select code::int as code, label, factor::int as factor from main_shop.shop_orders order by code',
      ),
    ).toEqual([
      { code: 1, label: 'ONE', factor: 10 },
      { code: 2, label: 'TWO', factor: 10 },
    ]);
    expect(await project.query('select total::int as total from report')).toEqual([{ total: 30 }]);
    // The root project's config for a package's model wins even over the model's own config().
    expect(
      await project.query(
        "select table_type from information_schema.tables where table_name = 'shop_orders'",
      ),
    ).toEqual([{ table_type: 'VIEW' }]);
    const manifest = JSON.parse(readFileSync(join(project.dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['model.shop.shop_orders'].package_name).toBe('shop');
    // A package's snapshot is the package's too, its macros called by bare name.
    expect(manifest.nodes['snapshot.shop.shop_history'].package_name).toBe('shop');
    expect(manifest.nodes['snapshot.shop.shop_codes_history'].package_name).toBe('shop');
    expect(await project.query('select label from main.shop_history order by code')).toEqual([
      { label: 'ONE' },
      { label: 'TWO' },
    ]);
    expect(manifest.nodes['seed.shop.shop_codes'].depends_on).toBeDefined();
    expect(manifest.nodes['model.demo.report'].depends_on.nodes).toEqual([
      'model.shop.shop_orders',
    ]);
    const packageTest = Object.entries(manifest.nodes).find(([id]) =>
      id.startsWith('test.shop.unique_shop_orders_code.'),
    );
    expect(packageTest).toBeDefined();
  });
});

describe("a package's nodes as generate_alias_name sees them", () => {
  it('have the fqn and path within the package, as dbt gives them', async ({ makeProject }) => {
    const project = makeProject({
      ...installed('shop', 'shop', { 'models/staging/shop_orders.sql': 'select 1 as code\n' }),
      'macros/names.sql': `{% macro generate_alias_name(custom_alias_name, node) -%}
{%- if node.package_name == 'shop' -%}{{ node.fqn | join('__') }}__{{ node.path | replace('/', '_') | replace('.sql', '') }}
{%- else -%}{{ custom_alias_name or node.name }}{%- endif -%}
{%- endmacro %}`,
    });
    expect((await project.build()).exitCode).toBe(0);
    expect(
      await project.query(
        "select table_name from information_schema.tables where table_name like 'shop%'",
      ),
    ).toEqual([{ table_name: 'shop__staging__shop_orders__staging_shop_orders' }]);
  });
});

describe("a package's analyses", () => {
  it("are compiled with the package's macros and vars, under the package's name", ({
    makeProject,
  }) => {
    const project = makeProject({
      ...installed(
        'shop',
        'shop',
        {
          'macros/label.sql': '{% macro code_label(column) %}upper({{ column }}){% endmacro %}\n',
          'models/shop_orders.sql': 'select 1 as code\n',
          'analyses/shop_labels.sql':
            "select {{ code_label('code') }}, {{ var('shop_factor') }} from {{ ref('shop_orders') }}\n",
        },
        'vars:\n  shop_factor: 7\n',
      ),
      'analyses/root_count.sql': "select count(*) from {{ ref('shop_orders') }}\n",
    });
    const nodes = compileProject({ projectDir: project.dir });
    const analysis = nodes.find((n) => n.uniqueId === 'analysis.shop.shop_labels');
    expect(analysis?.sql).toBe('select upper(code), 7 from "main"."shop_orders"');
    expect(readFileSync(join(project.dir, analysis!.compiledPath), 'utf8')).toContain(
      'upper(code)',
    );
    expect(nodes.find((n) => n.uniqueId === 'analysis.demo.root_count')?.sql).toBe(
      'select count(*) from "main"."shop_orders"',
    );
  });
});

describe('a model name used by the root project and by a package', () => {
  const SAME_NAME = installed(
    'shop',
    'shop',
    {
      'models/orders.sql': "select 'package' as owner\n",
      'models/shop_report.sql':
        "select (select owner from {{ ref('orders') }}) as bare, (select owner from {{ ref('shop', 'orders') }}) as own\n",
      'models/schema.yml':
        'models:\n  - name: orders\n    description: the package one\n    columns:\n      - name: owner\n        tests: [not_null]\n',
    },
    'models:\n  shop:\n    +schema: shop\n',
  );

  it("builds both; a one-argument ref finds the root project's first, ref('package', 'name') the package's; each YAML describes its own", async ({
    makeProject,
  }) => {
    const project = makeProject({
      ...SAME_NAME,
      'models/orders.sql': "select 'root' as owner\n",
      'models/report.sql':
        "select (select owner from {{ ref('orders') }}) as bare, (select owner from {{ ref('shop', 'orders') }}) as qualified\n",
      'models/schema.yml':
        'models:\n  - name: orders\n    description: the root one\n    columns:\n      - name: owner\n        tests: [unique]\n',
    });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    const byId = Object.fromEntries(result.results.map((r) => [r.uniqueId, r.status]));
    expect(byId).toMatchObject({ 'model.demo.orders': 'success', 'model.shop.orders': 'success' });
    expect(await project.query('select * from main.report')).toEqual([
      { bare: 'root', qualified: 'package' },
    ]);
    // Inside the package too, the root project's model wins a bare ref, as in dbt.
    expect(await project.query('select * from main_shop.shop_report')).toEqual([
      { bare: 'root', own: 'package' },
    ]);
    const manifest = JSON.parse(readFileSync(join(project.dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['model.demo.orders'].description).toBe('the root one');
    expect(manifest.nodes['model.shop.orders'].description).toBe('the package one');
    expect(manifest.nodes['model.demo.report'].depends_on.nodes.sort()).toEqual([
      'model.demo.orders',
      'model.shop.orders',
    ]);
    const tests = Object.values(manifest.nodes as Record<string, Record<string, unknown>>)
      .filter((node) => node['resource_type'] === 'test')
      .map((node) => [node['name'], (node['depends_on'] as { nodes: string[] }).nodes]);
    expect(tests.sort()).toEqual([
      ['not_null_orders_owner', ['model.shop.orders']],
      ['unique_orders_owner', ['model.demo.orders']],
    ]);
  });

  it('refuses two models that would build the same table, naming both files', ({ makeProject }) => {
    const project = makeProject({
      ...SAME_NAME,
      'dbt_packages/shop/dbt_project.yml': "name: shop\nversion: '1.0.0'\n",
      'models/orders.sql': "select 'root' as owner\n",
    });
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      'dbt_packages/shop/models/orders.sql: model "shop.orders" and model "orders" (models/orders.sql) would both build main.orders; give one of them another alias or schema',
    );
  });

  it('a name defined twice within one package is still refused', ({ makeProject }) => {
    const project = makeProject({
      'models/a/orders.sql': 'select 1 as x\n',
      'seeds/orders.csv': 'x\n1\n',
    });
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      /"orders" is defined twice: in .* and in /,
    );
  });
});

describe("a package's sources", () => {
  it("are the package's, found in dbt's order: the root project's first, then the package's own", async ({
    makeProject,
  }) => {
    const project = makeProject({
      ...installed('shop', 'shop', {
        'models/sources.yml':
          'sources:\n  - name: raw\n    schema: shop_raw\n    tables:\n      - name: extras\n      - name: items\n        columns:\n          - name: id\n            tests: [not_null]\n',
        'models/shop_items.sql':
          "select (select id from {{ source('raw', 'items') }}) as item, (select id from {{ source('raw', 'extras') }}) as extra\n",
      }),
      'models/sources.yml':
        'sources:\n  - name: raw\n    schema: root_raw\n    tables:\n      - name: items\n',
      'models/items.sql': "select * from {{ source('raw', 'items') }}\n",
      'macros/setup.sql':
        "{% macro setup() %}create schema if not exists shop_raw; create schema if not exists root_raw; create or replace table shop_raw.items as select 'shop' as id; create or replace table root_raw.items as select 'root' as id; create or replace table shop_raw.extras as select 'shop extra' as id;{% endmacro %}\n",
      'dbt_project.yml': projectYml('on-run-start: ["{{ setup() }}"]\n'),
    });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    // As in dbt, a bare source() from a package's model finds the root project's table first.
    expect(await project.query('select * from main.shop_items')).toEqual([
      { item: 'root', extra: 'shop extra' },
    ]);
    expect(await project.query('select id from main.items')).toEqual([{ id: 'root' }]);
    const manifest = JSON.parse(readFileSync(join(project.dir, 'target/manifest.json'), 'utf8'));
    expect(Object.keys(manifest.sources).sort()).toEqual([
      'source.demo.raw.items',
      'source.shop.raw.extras',
      'source.shop.raw.items',
    ]);
    expect(manifest.nodes['model.shop.shop_items'].depends_on.nodes).toEqual([
      'source.demo.raw.items',
      'source.shop.raw.extras',
    ]);
    // The package's test on its own source table tests that table.
    const sourceTest = Object.values(
      manifest.nodes as Record<string, { name: string; depends_on: { nodes: string[] } }>,
    ).find((node) => node.name === 'source_not_null_raw_items_id');
    expect(sourceTest?.depends_on.nodes).toEqual(['source.shop.raw.items']);
    expect(manifest.nodes['model.demo.items'].depends_on.nodes).toEqual(['source.demo.raw.items']);
  });
});
