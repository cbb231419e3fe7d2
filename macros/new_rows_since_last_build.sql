{#
    new_rows_since_last_build(column, mark_column=column) returns the condition that keeps an
    incremental model's new rows: on an incremental build, `column` is above the greatest
    `mark_column` already in {{ this }} (-1 when it is empty, below every _offset); on a first build
    or a --full-refresh, `true`: every row is new.

    For the append-only relations read by _offset: the model keeps how far it has read in its own
    rows, so its rows and its mark commit together, and a build killed midway leaves both as they
    were.
#}
{% macro new_rows_since_last_build(column, mark_column=none) -%}
{%- if is_incremental() -%}
{{ column }} > (select coalesce(max({{ mark_column or column }}), -1) from {{ this }})
{%- else -%}
true
{%- endif -%}
{%- endmacro %}
