{{
    config(
        materialized='incremental',
        incremental_strategy='append'
    )
}}

-- One narrow row per key seen in Bronze: its first copy by arrival (late or not), and whether that
-- first copy arrived out of order: its sequence_id is lower than that of an earlier-arriving first
-- copy in the same partition. Maintained incrementally so audit_health costs the new data only.
-- Incremental: Bronze rows above our greatest _offset (rows between it and the previous build's end
-- were later copies of keys already here, and are rejected again).

with

bronze as (

    select
        message_id,
        sequence_id,
        partition_id,
        _offset,
    from {{ ref('bronze_events') }}
    where {{ new_rows_since_last_build('_offset') }}

),

first_in_batch as (

    select
        message_id,
        sequence_id,
        partition_id,
        min(_offset) as _offset,
    from bronze
    group by message_id, sequence_id, partition_id

),

new_keys as (

    select first_in_batch.*
    from first_in_batch
    {{ anti_join_existing_keys('first_in_batch', ['message_id', 'sequence_id', 'partition_id']) | indent(4) }}

),

new_sequences as (

    -- The first key (by arrival) of each (partition_id, sequence_id) that no earlier key had, so
    -- that audit_health sums a flag instead of counting distinct sequence ids over all of history.
    select
        new_keys.partition_id,
        new_keys.sequence_id,
        min(new_keys._offset) as first_offset,
    from new_keys
    {{ anti_join_existing_keys('new_keys', ['partition_id', 'sequence_id']) | indent(4) }}
    group by new_keys.partition_id, new_keys.sequence_id

),

earlier_greatest_sequence as (

    {% if is_incremental() %}
    select
        partition_id,
        max(sequence_id) as greatest_sequence_id,
    from {{ this }}
    group by partition_id
    {% else %}
    select
        cast(null as integer) as partition_id,
        cast(null as bigint) as greatest_sequence_id,
    where false
    {% endif %}

),

ordered as (

    select
        new_keys.message_id,
        new_keys.sequence_id,
        new_keys.partition_id,
        new_keys._offset,
        greatest(
            earlier_greatest_sequence.greatest_sequence_id,
            max(new_keys.sequence_id) over (
                partition by new_keys.partition_id
                order by new_keys._offset
                rows between unbounded preceding and 1 preceding
            )
        ) as greatest_sequence_id_before,
        coalesce(new_keys._offset = new_sequences.first_offset, false) as is_new_sequence,
    from new_keys
    left join earlier_greatest_sequence
        on new_keys.partition_id = earlier_greatest_sequence.partition_id
    left join new_sequences
        on new_keys.partition_id = new_sequences.partition_id
        and new_keys.sequence_id = new_sequences.sequence_id

),

final as (

    select
        message_id,
        sequence_id,
        partition_id,
        _offset,
        coalesce(sequence_id < greatest_sequence_id_before, false) as is_out_of_order,
        is_new_sequence,
    from ordered
    order by _offset

)

select * from final
