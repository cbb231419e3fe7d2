{#
    within_sequence_range(keys, column='sequence_id') returns a condition that keeps only rows whose
    `column` lies between the least and the greatest sequence_id of the relation or CTE `keys`.

    For the incremental lookups of new keys (message_id, sequence_id, partition_id) in a relation
    that holds all of history: a matching row must have the same sequence_id, so the condition drops
    no match and the lookup stays exact. It lets DuckDB skip whole row groups by their zone maps
    (history is stored in arrival order, so old row groups hold old sequence ids) instead of reading
    every earlier key. An old redelivery in the batch widens the range: the lookup then reads more,
    never less than it must.
#}
{% macro within_sequence_range(keys, column='sequence_id') -%}
{{ column }} between (select min(sequence_id) from {{ keys }}) and (select max(sequence_id) from {{ keys }})
{%- endmacro %}
