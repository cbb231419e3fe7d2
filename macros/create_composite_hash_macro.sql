{#
    create_composite_hash_macro() returns the DDL of the DuckDB macro
    `composite_hash(message_id, sequence_id, partition_id)`: the lower-case hex SHA-256 of
    `message_id || '|' || sequence_id || '|' || partition_id`, the key of a message as one value.
    Installed by the on-run-start hook, so ad-hoc SQL can call it too. DuckDB's sha256 already
    returns lower-case hex (its digits are 0-9a-f), so no lower() is needed.
#}
{% macro create_composite_hash_macro() -%}
create or replace macro composite_hash(message_id, sequence_id, partition_id) as
    sha256(
        cast(message_id as varchar) || '|'
        || cast(sequence_id as varchar) || '|'
        || cast(partition_id as varchar)
    )
{%- endmacro %}
