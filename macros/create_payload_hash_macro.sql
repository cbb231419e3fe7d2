{#
    create_payload_hash_macro() returns the DDL of the DuckDB macro `payload_hash(payload)`: the
    lower-case hex SHA-256 of `canonical_json(payload)`, so the same content gives the same hash
    whatever the key order or spacing, and any changed value gives another hash.
    Needs `canonical_json` (create_canonical_json_macro) installed first.
#}
{% macro create_payload_hash_macro() -%}
create or replace macro payload_hash(payload) as
    lower(sha256(canonical_json(payload)))
{%- endmacro %}
