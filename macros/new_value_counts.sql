{#
    new_value_counts(relation, from_offset) returns a query of one row over the append-only
    `relation` (bronze_events or silver_events: key columns, transaction_id, _offset): for its rows
    above `from_offset` (an SQL expression), the greatest _offset (to_offset, null when there is no
    such row), how many there are (row_count), and how many of their keys and transaction ids no
    row at or below `from_offset` has (new_key_count, new_transaction_count).

    A value's first row lies in exactly one such batch, so summing new_key_count over batches that
    split the relation gives count(distinct key) over all of it, while each batch reads only its
    new rows and one narrow probe of the earlier ones. On a first build (not is_incremental())
    `from_offset` must lie below every _offset: there are no earlier rows to probe.
#}
{% macro new_value_counts(relation, from_offset) -%}
with

new_rows as (

    select
        message_id,
        sequence_id,
        partition_id,
        transaction_id,
        _offset,
    from {{ relation }}
    where _offset > {{ from_offset }}

),

new_keys as (

    select distinct
        message_id,
        sequence_id,
        partition_id,
    from new_rows

),

new_transactions as (

    select distinct transaction_id
    from new_rows
    where transaction_id is not null

),

{% if is_incremental() %}

-- The new rows' values that earlier rows already had: the earlier rows probe a hash table of the
-- (small) new batch, reading only the columns compared.
earlier_keys as (

    select distinct
        earlier.message_id,
        earlier.sequence_id,
        earlier.partition_id,
    from {{ relation }} as earlier
    semi join new_keys
        on earlier.message_id = new_keys.message_id
        and earlier.sequence_id = new_keys.sequence_id
        and earlier.partition_id = new_keys.partition_id
    where earlier._offset <= {{ from_offset }}
        and {{ within_sequence_range('new_keys', 'earlier.sequence_id') }}

),

earlier_transactions as (

    select distinct earlier.transaction_id
    from {{ relation }} as earlier
    semi join new_transactions
        on earlier.transaction_id = new_transactions.transaction_id
    where earlier._offset <= {{ from_offset }}

),

{% endif %}

counts as (

    select
        (select max(_offset) from new_rows) as to_offset,
        (select count(*) from new_rows) as row_count,
        (select count(*) from new_keys)
            {% if is_incremental() %} - (select count(*) from earlier_keys) {% endif %}
            as new_key_count,
        (select count(*) from new_transactions)
            {% if is_incremental() %} - (select count(*) from earlier_transactions) {% endif %}
            as new_transaction_count,

)

select * from counts
{%- endmacro %}
