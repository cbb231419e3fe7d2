/**
 * The generic data tests every project has, written as dbt writes them: `{% test %}` blocks
 * (stored as `test_<name>` macros): `unique`, `not_null`, `accepted_values`, `relationships`,
 * `uniq_equals_total` and dbt_utils' `unique_combination_of_columns`. A project may override any of them by defining a test or macro
 * of the same name. Each returns the failing rows; the runner counts them (`fail_calc`, default
 * `count(*)`).
 *
 * `unique`, `not_null`, `accepted_values` and `uniq_equals_total` also have a new-rows form, used
 * when the test is configured with `new_rows_by` and has a checkpoint (src/engine/data-test/test-checkpoint.ts):
 * `new_rows_only` is then true, `new_rows_by` the quoted column and `checked_through` the literal
 * above which rows are new. Each form returns the same failures as the whole-relation query
 * would, given that the rows at or below the checkpoint passed and are unchanged.
 */
export const BUILTIN_MACROS = `
{%- test unique(model, column_name) -%}
{%- if new_rows_only %}
{#- Only the rows above the test's checkpoint are new; the rows at or below it had no duplicate
    when checked. A value is duplicated when the new rows hold it twice or the checked rows hold
    it already: the same rows and counts as the whole-table query below. -#}
with new_values as (
    select {{ column_name }} as unique_field
    from {{ model }}
    where {{ column_name }} is not null
      and ({{ new_rows_by }} > {{ checked_through }} or {{ new_rows_by }} is null)
),
new_counts as (
    select unique_field, count(*) as n_new
    from new_values
    group by unique_field
),
checked_counts as (
    select {{ column_name }} as unique_field, count(*) as n_checked
    from {{ model }}
    where {{ new_rows_by }} <= {{ checked_through }}
      and {{ column_name }} in (select unique_field from new_counts)
    group by {{ column_name }}
)
select
    new_counts.unique_field,
    new_counts.n_new + coalesce(checked_counts.n_checked, 0) as n_records
from new_counts
left join checked_counts on new_counts.unique_field = checked_counts.unique_field
where new_counts.n_new + coalesce(checked_counts.n_checked, 0) > 1
{%- else %}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{%- endif %}
{%- endtest %}

{%- test not_null(model, column_name) -%}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is null
{%- if new_rows_only %}
  and ({{ new_rows_by }} > {{ checked_through }} or {{ new_rows_by }} is null)
{%- endif %}
{%- endtest %}

{%- test accepted_values(model, column_name, values, quote=True) -%}
with all_values as (
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ model }}
    {%- if new_rows_only %}
    where {{ new_rows_by }} > {{ checked_through }} or {{ new_rows_by }} is null
    {%- endif %}
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
{%- if new_rows_only %}
{#- Only the rows above the test's checkpoint are new; the rows at or below it had one row per
    key when checked. So total - distinct over the whole relation is (new rows - their distinct
    keys) + (their distinct keys the checked rows hold already), computed here without a
    distinct count over history. -#}
{%- set aliases = [] -%}
{%- for column in key_columns %}{% set _ = aliases.push('key_' ~ loop.index) %}{% endfor -%}
{%- set new_key = aliases[0] if aliases | length == 1 else 'row(' ~ (aliases | join(', ')) ~ ')' -%}
with new_rows as (
    select {% for column in key_columns %}{{ column }} as key_{{ loop.index }}{{ ', ' if not loop.last }}{% endfor %}
    from {{ model }}
    where {{ new_rows_by }} > {{ checked_through }} or {{ new_rows_by }} is null
),
new_counts as (
    select
        count(*) as new_rows,
        count(distinct {{ new_key }}) as new_distinct_keys
    from new_rows
),
new_keys as (
    select distinct {{ aliases | join(', ') }}
    from new_rows
),
checked_rows as (
    select {% for column in key_columns %}{{ column }} as key_{{ loop.index }}{{ ', ' if not loop.last }}{% endfor %}
    from {{ model }}
    where {{ new_rows_by }} <= {{ checked_through }}
),
{#- An inner join (not a semi join) so that DuckDB hashes the few new keys and streams history
    past them; the checked rows hold each key at most once, so it counts each key once. -#}
keys_seen_before as (
    select count(*) as keys_seen_before
    from checked_rows
    inner join new_keys
        on {% for alias in aliases %}new_keys.{{ alias }} is not distinct from checked_rows.{{ alias }}{% if not loop.last %}
        and {% endif %}{% endfor %}
)
select
    new_rows as total_rows,
    new_distinct_keys - keys_seen_before as distinct_keys
from new_counts
cross join keys_seen_before
where new_rows <> new_distinct_keys - keys_seen_before
{%- else %}
select
    count(*) as total_rows,
    count(distinct {{ key }}) as distinct_keys
from {{ model }}
having count(*) <> count(distinct {{ key }})
{%- endif %}
{%- endtest %}
`;
