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
    the levels; one copy per branch would double it per level, and DuckDB binds and optimises the
    whole expression in every query that calls it, a fixed cost of each model using it.

    Speed: sorting every payload's entries with list functions costs far more than the SHA-256
    itself, so a flat object whose keys are exactly var('payload_fast_path_keys') (default: the simulator's
    payload keys; plain identifiers only, any other key is an error) is assembled directly in sorted key order. The fast path
    is taken only when it provably gives the generic result: every listed key present, no nested
    object or array (no '{' or '[' after the opening brace, even inside strings), and the result as
    long as the minified payload (so there is no other key). Anything else takes the generic path.

    bronze_events computes the same text from columns (canonical_json_values, canonical_json_fast_text
    and canonical_json_from_texts below) so that each part is evaluated once per row; a test checks
    that it equals this macro on every kind of payload.
#}
{% macro create_canonical_json_macro() -%}
{%- set fast_keys = (_canonical_json_fast_keys() | as_text).split(',') -%}
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
        else {{ _canonical_json_generic('json(payload)') }}
    end
{%- endmacro %}

{#
    canonical_json_values(payload) returns a SQL expression: the JSON[] list whose element 1 is
    json(payload) (DuckDB defines json(x) as json_extract(x, '$')) and whose element k + 1 is the
    value of the k-th fast-path key (sorted), as canonical_json's json_extract reads it (NULL when
    absent), all from one parse of the payload.
#}
{% macro canonical_json_values(payload) -%}
json_extract({{ payload }}, ['$'{% for key in (_canonical_json_fast_keys() | as_text).split(',') %}, '$.{{ key }}'{% endfor %}])
{%- endmacro %}

{#
    canonical_json_fast_text(values) returns a SQL expression over a canonical_json_values list: the
    fast-path text `{"k1":v1,...}` in sorted key order, NULL when a key is absent. It is the text
    canonical_json builds with `||` (which is NULL as soon as one value is), built in one concat.
#}
{% macro canonical_json_fast_text(values) -%}
{%- set fast_keys = (_canonical_json_fast_keys() | as_text).split(',') -%}
case
    when {% for key in fast_keys %}{{ values }}[{{ loop.index + 1 }}] is not null{{ ' and ' if not loop.last }}{% endfor %}
        then concat({% for key in fast_keys %}'{{ ',' if not loop.first else '{' }}"{{ key }}":', {{ values }}[{{ loop.index + 1 }}], {% endfor %}'}')
end
{%- endmacro %}

{#
    canonical_json_from_texts(minified, fast_text) returns a SQL expression: canonical_json(payload)
    given json(payload) and canonical_json_fast_text of the payload's values, with the macro's own
    conditions for the fast path and its generic path otherwise.
#}
{% macro canonical_json_from_texts(minified, fast_text) -%}
case
    when length({{ fast_text }}) = length({{ minified }})
        and not contains(substr({{ minified }}, 2), '{')
        and not contains({{ minified }}, '[')
        then {{ fast_text }}
    else {{ _canonical_json_generic(minified) }}
end
{%- endmacro %}

{#
    _canonical_json_fast_keys() returns the fast-path keys, sorted and joined by commas (a macro
    returns text; callers split it, which is safe for plain identifiers).
#}
{% macro _canonical_json_fast_keys() -%}
{%- set keys = var('payload_fast_path_keys', ['amount', 'currency', 'customer_id', 'event_type', 'method', 'transaction_id']) -%}
{#- Plain identifiers only: for them, sorting the keys sorts the '"key":value' entries the same way
    the generic path does, and the text needs no escaping. -#}
{%- for key in keys -%}
{%- set odd = [] -%}
{%- for character in (key | string | list) -%}
{%- if character not in 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_' -%}{%- set _ = odd.push(character) -%}{%- endif -%}
{%- endfor -%}
{%- if odd | length > 0 or (key | string | length) == 0 -%}
{{- exceptions.raise_compiler_error("var('payload_fast_path_keys'): " ~ (key | dump) ~ " is not a plain key (letters, digits and _ only), which the canonical JSON fast path needs") -}}
{%- endif -%}
{%- endfor -%}
{{- keys | sort | join(',') -}}
{%- endmacro %}

{#
    _canonical_json_generic(text) returns canonical_json's generic path over the SQL expression
    `text` (minified JSON): the unrolled levels below, three deep.
#}
{% macro _canonical_json_generic(text) -%}
{%- set level_0 = "__v__::varchar" -%}
{%- set level_1 = _canonical_json_level(level_0, 'e1') -%}
{%- set level_2 = _canonical_json_level(level_1, 'e2') -%}
{%- set level_3 = _canonical_json_level(level_2, 'e3') -%}
{{ level_3 | replace('__v__', text) }}
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
