/**
 * The generic data tests every project has, written as dbt writes them: `{% test %}` blocks
 * (stored as `test_<name>` macros): `unique`, `not_null`, `accepted_values`, `relationships`,
 * `uniq_equals_total` and dbt_utils' `unique_combination_of_columns`. A project may override any of them by defining a test or macro
 * of the same name. Each returns the failing rows; the runner counts them (`fail_calc`, default
 * `count(*)`).
 */
export const BUILTIN_MACROS = `
{%- test unique(model, column_name) -%}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{%- endtest %}

{%- test not_null(model, column_name) -%}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is null
{%- endtest %}

{%- test accepted_values(model, column_name, values, quote=True) -%}
with all_values as (
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)
select *
from all_values
where value_field not in (
    {%- for value in values -%}
    {%- if quote -%}{{ sql_literal(value) }}{%- else -%}{{ value }}{%- endif -%}
    {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
)
{%- endtest %}

{%- test relationships(model, column_name, to, field) -%}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),
parent as (
    select {{ field }} as to_field
    from {{ to }}
)
select child.from_field
from child
left join parent on child.from_field = parent.to_field
where parent.to_field is null
{%- endtest %}

{#- dbt_utils' test of the same name (a project using it needs no edits): the duplicated combinations. -#}
{%- test unique_combination_of_columns(model, combination_of_columns, quote_columns=False) -%}
{%- set key_columns = [] -%}
{%- for column in combination_of_columns -%}
{%- do key_columns.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}
select
    {{ key_columns | join(', ') }},
    count(*) as n_records
from {{ model }}
group by {{ key_columns | join(', ') }}
having count(*) > 1
{%- endtest %}

{%- test uniq_equals_total(model, column_name=None, columns=None) -%}
{{- config(fail_calc='coalesce(sum(total_rows - distinct_keys), 0)') -}}
{%- set key_columns = columns if columns else [column_name] -%}
{%- set key = key_columns[0] if key_columns | length == 1 else 'row(' ~ (key_columns | join(', ')) ~ ')' -%}
select
    count(*) as total_rows,
    count(distinct {{ key }}) as distinct_keys
from {{ model }}
having count(*) <> count(distinct {{ key }})
{%- endtest %}
`;
