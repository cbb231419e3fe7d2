{#
    create_canonical_json_macro() returns the DDL of the DuckDB macro `canonical_json(payload)`: the
    payload as minified JSON text with the entries of every object sorted (by their serialised
    `"key":value` text), down to three levels of nesting (objects in arrays included).

    What counts as the same content (decisions; the README explains them under the pipeline's relations):
    - key order and insignificant spacing never matter (nested objects included, three levels deep);
    - strings are compared after decoding escapes: "\u00e9" and "é" are the same;
    - numbers are compared as written, after DuckDB's JSON normalisation: 1.0 and 1 differ, 1e2 and
      100.0 are the same;
    - array order matters; null is kept (an explicit null differs from an absent key).
    Objects nested deeper than three levels keep their key order as received.

    DuckDB macros cannot recurse, so the levels are unrolled here: level 0 is the value's minified
    text, and level n sorts an object's entries (or maps an array's elements) through level n - 1.
    Each level holds level n - 1 once, for objects and arrays alike, so the macro grows linearly with
    the levels: with one copy per branch it doubled per level, and DuckDB spent ~35 ms binding and
    optimising every query that calls it (~12 ms now), a fixed cost of each model using it.

    Speed: sorting every payload's entries with list functions costs ~10x the SHA-256 itself, so a
    flat object whose keys are exactly var('payload_fast_path_keys') (default: the simulator's
    payload keys; plain identifiers only) is assembled directly in sorted key order. The fast path
    is taken only when it provably gives the generic result: every listed key present, no nested
    object or array (no '{' or '[' after the opening brace, even inside strings), and the result as
    long as the minified payload (so there is no other key). Anything else takes the generic path.
#}
{% macro create_canonical_json_macro() -%}
{%- set level_0 = "__v__::varchar" -%}
{%- set level_1 = _canonical_json_level(level_0, 'e1') -%}
{%- set level_2 = _canonical_json_level(level_1, 'e2') -%}
{%- set level_3 = _canonical_json_level(level_2, 'e3') -%}
{%- set fast_keys = var('payload_fast_path_keys', ['amount', 'currency', 'customer_id', 'event_type', 'method', 'transaction_id']) | sort -%}
{%- set paths = [] -%}
{%- for key in fast_keys %}{% set _ = paths.push("'$." ~ key ~ "'") %}{% endfor -%}
{%- set fast_parts = [] -%}
{%- for key in fast_keys %}{% set _ = fast_parts.push("'" ~ (',' if not loop.first else '{') ~ '"' ~ key ~ '":' ~ "' || json_extract(payload, [" ~ (paths | join(', ')) ~ "])[" ~ loop.index ~ "]") %}{% endfor -%}
create or replace macro canonical_json(payload) as
    case
        when length({{ fast_parts | join(' || ') }} || '}') = length(json(payload))
            and not contains(substr(json(payload), 2), '{')
            and not contains(json(payload), '[')
            then {{ fast_parts | join(' || ') }} || '}'
        else {{ level_3 | replace('__v__', 'json(payload)') }}
    end
{%- endmacro %}

{#
    _canonical_json_level(inner, name) returns one unrolled level of canonical_json: a SQL expression
    over the placeholder __v__ (minified JSON text) whose objects' entries and arrays' elements are
    canonicalised by the `inner` expression (over its own __v__), with lambda parameters suffixed
    by `name`. Objects and arrays share one path, so `inner` appears once: both become a list of
    (is_object, prefix, value) entries, each entry's text is prefix || inner(value), and the texts
    are sorted by (0, text) for an object (by its serialised `"key":value` text) and by
    (position, text) for an array (its order kept).
#}
{% macro _canonical_json_level(inner, name) -%}
(case
    when starts_with(__v__, '{') or starts_with(__v__, '[') then
        if(starts_with(__v__, '{'), '{', '[') || array_to_string(list_transform(list_sort(list_transform(
            if(starts_with(__v__, '{'),
                list_transform(
                    map_entries(__v__::json::map(varchar, json)),
                    {{ name }}_m -> {'is_object': true, 'prefix': to_json({{ name }}_m.key)::varchar || ':', 'value': {{ name }}_m.value}
                ),
                list_transform(
                    __v__::json::json[],
                    {{ name }}_a -> {'is_object': false, 'prefix': '', 'value': {{ name }}_a}
                )
            ),
            ({{ name }}, {{ name }}_i) -> {
                'position': if({{ name }}.is_object, 0, {{ name }}_i),
                'text': {{ name }}.prefix || coalesce({{ inner | replace('__v__', name ~ '.value') }}, 'null')
            }
        )), {{ name }}_s -> {{ name }}_s.text), ',') || if(starts_with(__v__, '{'), '}', ']')
    else __v__::varchar
end)
{%- endmacro %}
