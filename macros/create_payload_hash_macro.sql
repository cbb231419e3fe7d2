{#
    create_payload_hash_macro() returns the DDL of the DuckDB macro `payload_hash(payload)`: the
    lower-case hex SHA-256 of `canonical_json(payload)`, so the same content gives the same hash
    whatever the key order or spacing, and any changed value gives another hash.
    Needs `canonical_json` (create_canonical_json_macro) installed first.
    DuckDB's sha256 already returns lower-case hex (its digits are 0-9a-f), so no lower() is needed.
#}
{% macro create_payload_hash_macro() -%}
create or replace macro payload_hash(payload) as
    sha256(canonical_json(payload))
{%- endmacro %}
