/**
 * dbt's cross-database macros (the `dbt` namespace: `dbt.date_trunc`, `dbt.type_string`, …), each
 * dispatched as dbt dispatches it (`adapter.dispatch(name, 'dbt')`), so that a project or a package
 * named in `dispatch:` overrides one by defining `duckdb__<name>` or `default__<name>`. The bodies
 * are DuckDB's, as dbt-duckdb renders them; the `default__` ones follow dbt-core. They are also
 * callable bare, as dbt's global macros are.
 */

/** `name(args)` dispatched to `duckdb__name` / `default__name` (searched in the `dbt` namespace). */
function dispatched(name: string, params: string, args = params): string {
  return `{% macro ${name}(${params}) -%}
{{ return(adapter.dispatch('${name}', 'dbt')(${args})) }}
{%- endmacro %}`;
}

const TYPES: [string, string][] = [
  ['type_string', 'varchar'],
  ['type_timestamp', 'timestamp'],
  ['type_float', 'float'],
  ['type_numeric', 'numeric(28,6)'],
  ['type_bigint', 'bigint'],
  ['type_int', 'integer'],
  ['type_boolean', 'boolean'],
];

const typeMacros = TYPES.map(
  ([name, type]) => `${dispatched(name, '')}
{% macro default__${name}() %}{{ return('${type}') }}{% endmacro %}`,
).join('\n');

export const CROSS_DATABASE_MACROS = `
${typeMacros}

${dispatched('safe_cast', 'field, type')}
{% macro default__safe_cast(field, type) %}try_cast({{ field }} as {{ type }}){% endmacro %}

${dispatched('cast', 'field, type')}
{% macro default__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}

${dispatched('concat', 'fields')}
{% macro default__concat(fields) -%}concat({{ fields | join(', ') }}){%- endmacro %}

${dispatched('hash', 'field')}
{% macro default__hash(field) -%}md5(cast({{ field }} as {{ dbt.type_string() }})){%- endmacro %}

${dispatched('date_trunc', 'datepart, date')}
{% macro default__date_trunc(datepart, date) -%}date_trunc('{{ datepart }}', {{ date }}){%- endmacro %}

${dispatched('dateadd', 'datepart, interval, from_date_or_timestamp')}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
date_add({{ from_date_or_timestamp }}, interval ({{ interval }}) {{ datepart }})
{%- endmacro %}

${dispatched('datediff', 'first_date, second_date, datepart')}
{% macro default__datediff(first_date, second_date, datepart) -%}
date_diff('{{ datepart }}', {{ first_date }}::timestamp, {{ second_date }}::timestamp)
{%- endmacro %}

${dispatched('last_day', 'date, datepart')}
{% macro default__last_day(date, datepart) -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro %}

${dispatched('split_part', 'string_text, delimiter_text, part_number')}
{% macro default__split_part(string_text, delimiter_text, part_number) -%}
split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}

${dispatched('listagg', 'measure, delimiter_text="\',\'", order_by_clause=none, limit_num=none', 'measure, delimiter_text, order_by_clause, limit_num')}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
list_aggr((array_agg({{ measure }} {{ order_by_clause or '' }}))[1:{{ limit_num }}], 'string_agg', {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }} {{ order_by_clause or '' }})
{%- endif -%}
{%- endmacro %}

${dispatched('any_value', 'expression')}
{% macro default__any_value(expression) -%}any_value({{ expression }}){%- endmacro %}

${dispatched('bool_or', 'expression')}
{% macro default__bool_or(expression) -%}bool_or({{ expression }}){%- endmacro %}

${dispatched('cast_bool_to_text', 'field')}
{% macro default__cast_bool_to_text(field) -%}cast({{ field }} as {{ dbt.type_string() }}){%- endmacro %}

${dispatched('escape_single_quotes', 'expression')}
{% macro default__escape_single_quotes(expression) -%}{{ expression | replace("'", "''") }}{%- endmacro %}

${dispatched('string_literal', 'value')}
{% macro default__string_literal(value) -%}'{{ value }}'{%- endmacro %}

${dispatched('except', '')}
{% macro default__except() %}except{% endmacro %}

${dispatched('intersect', '')}
{% macro default__intersect() %}intersect{% endmacro %}

${dispatched('length', 'expression')}
{% macro default__length(expression) -%}length({{ expression }}){%- endmacro %}

${dispatched('position', 'substring_text, string_text')}
{% macro default__position(substring_text, string_text) -%}position({{ substring_text }} in {{ string_text }}){%- endmacro %}

${dispatched('replace', 'field, old_chars, new_chars')}
{% macro default__replace(field, old_chars, new_chars) -%}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){%- endmacro %}

${dispatched('right', 'string_text, length_expression')}
{% macro default__right(string_text, length_expression) -%}right({{ string_text }}, {{ length_expression }}){%- endmacro %}

${dispatched('array_construct', 'inputs=[], data_type=none', 'inputs, data_type')}
{% macro default__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}[{{ inputs | join(', ') }}]{%- else -%}cast([] as {{ data_type or dbt.type_string() }}[]){%- endif -%}
{%- endmacro %}

${dispatched('array_append', 'array, new_element')}
{% macro default__array_append(array, new_element) -%}list_append({{ array }}, {{ new_element }}){%- endmacro %}

${dispatched('array_concat', 'array_1, array_2')}
{% macro default__array_concat(array_1, array_2) -%}list_concat({{ array_1 }}, {{ array_2 }}){%- endmacro %}

${dispatched('current_timestamp', '')}
{% macro default__current_timestamp() %}now(){% endmacro %}

${dispatched('current_timestamp_backcompat', '')}
{% macro default__current_timestamp_backcompat() %}current_timestamp::timestamp{% endmacro %}

${dispatched('current_timestamp_in_utc_backcompat', '')}
{% macro default__current_timestamp_in_utc_backcompat() %}(current_timestamp at time zone 'UTC')::timestamp{% endmacro %}

${dispatched('equals', 'expr1, expr2')}
{% macro default__equals(expr1, expr2) -%}
((({{ expr1 }} = {{ expr2 }}) or ({{ expr1 }} is null and {{ expr2 }} is null)))
{%- endmacro %}

${dispatched('date', 'year, month, day')}
{% macro default__date(year, month, day) -%}make_date({{ year }}, {{ month }}, {{ day }}){%- endmacro %}

${dispatched('generate_series', 'upper_bound')}
{% macro default__generate_series(upper_bound) -%}
select range + 1 as generated_number from range({{ upper_bound }})
{%- endmacro %}

${dispatched('date_spine', 'datepart, start_date, end_date')}
{#- One row per datepart from start_date up to (not including) end_date, as dbt's date_spine; DuckDB's
    range() needs no query for the number of periods, which dbt's default runs first. -#}
{% macro default__date_spine(datepart, start_date, end_date) -%}
select cast(range as timestamp) as date_{{ datepart }}
from range(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval 1 {{ datepart }})
{%- endmacro %}
`;
