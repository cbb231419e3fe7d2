{#
    anti_join_existing_keys(keys, key_columns) returns, on an incremental build, an anti join that
    keeps the rows of the relation or CTE `keys` whose `key_columns` are not already in {{ this }}
    (write it after `from keys`); on a first build or a --full-refresh, nothing: no key is there yet.

    `key_columns` must include sequence_id: the lookup reads only the rows of {{ this }} within the
    batch's sequence range (within_sequence_range), which holds every possible match, so DuckDB skips
    the row groups of older sequences.
#}
{% macro anti_join_existing_keys(keys, key_columns) -%}
{%- if is_incremental() -%}
anti join (
    select {{ key_columns | join(', ') }}
    from {{ this }}
    where {{ within_sequence_range(keys) }}
) as existing
    on {% for column in key_columns %}{{ keys }}.{{ column }} = existing.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
{%- endif -%}
{%- endmacro %}
