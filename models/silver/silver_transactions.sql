{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='transaction_id'
    )
}}

-- Current state per transaction_id (issue 4, rule 4), maintained with MERGE INTO from the new
-- Silver events. Last write wins: the row reflects the Silver event with the greatest
-- (created_at, _offset); event_count is the number of Silver events of the transaction.
--
-- The MERGE source is reduced to ONE row per transaction_id first: DuckDB 1.5.6 raised no error
-- when a MERGE source held several rows per key and silently inserted duplicate keys.
-- Incremental: Silver events above max(max_event_offset), the greatest Silver _offset already
-- counted (stored in the rows themselves, so the MERGE and its high-water mark commit together).
-- Each new batch is combined with the current row: an older event never overwrites a newer one,
-- and each event is counted exactly once.

with

new_events as (

    select
        transaction_id,
        message_id,
        event_type,
        amount,
        currency,
        customer_id,
        created_at,
        _offset,
    from {{ ref('silver_events') }}
    {% if is_incremental() %}
    where _offset > (select coalesce(max(max_event_offset), -1) from {{ this }})
    {% endif %}

),

latest_per_transaction as (

    select
        transaction_id,
        arg_max(
            {
                'status': event_type,
                'amount': amount,
                'currency': currency,
                'customer_id': customer_id,
                'message_id': message_id,
                'created_at': created_at,
                '_offset': _offset,
            },
            {'created_at': created_at, '_offset': _offset}
        ) as latest,
        count(*) as new_event_count,
        max(_offset) as max_new_offset,
    from new_events
    group by transaction_id

),

{% if is_incremental() %}

current_state as (

    select * from {{ this }}
    where transaction_id in (select transaction_id from latest_per_transaction)

),

combined as (

    select
        batch.transaction_id,
        batch.latest,
        batch.new_event_count,
        batch.max_new_offset,
        current_state.transaction_id is null
            or batch.latest.created_at > current_state.updated_at
            or (
                batch.latest.created_at = current_state.updated_at
                and batch.latest._offset > current_state.last_event_offset
            ) as batch_wins,
        current_state.status as current_status,
        current_state.amount as current_amount,
        current_state.currency as current_currency,
        current_state.customer_id as current_customer_id,
        current_state.last_message_id as current_last_message_id,
        current_state.updated_at as current_updated_at,
        current_state.last_event_offset as current_last_event_offset,
        coalesce(current_state.event_count, 0) as current_event_count,
        current_state.max_event_offset as current_max_event_offset,
    from latest_per_transaction as batch
    left join current_state
        on batch.transaction_id = current_state.transaction_id

),

{% else %}

combined as (

    select
        transaction_id,
        latest,
        new_event_count,
        max_new_offset,
        true as batch_wins,
        cast(null as varchar) as current_status,
        cast(null as decimal(18, 2)) as current_amount,
        cast(null as varchar) as current_currency,
        cast(null as varchar) as current_customer_id,
        cast(null as varchar) as current_last_message_id,
        cast(null as timestamptz) as current_updated_at,
        cast(null as bigint) as current_last_event_offset,
        cast(0 as bigint) as current_event_count,
        cast(null as bigint) as current_max_event_offset,
    from latest_per_transaction

),

{% endif %}

final as (

    select
        -- ids
        transaction_id,

        -- attributes
        if(batch_wins, latest.status, current_status) as status,
        if(batch_wins, latest.currency, current_currency) as currency,
        if(batch_wins, latest.customer_id, current_customer_id) as customer_id,
        if(batch_wins, latest.message_id, current_last_message_id) as last_message_id,

        -- numbers
        if(batch_wins, latest.amount, current_amount) as amount,
        current_event_count + new_event_count as event_count,

        -- timestamps
        if(batch_wins, latest.created_at, current_updated_at) as updated_at,

        -- arrival bookkeeping
        if(batch_wins, latest._offset, current_last_event_offset) as last_event_offset,
        greatest(max_new_offset, current_max_event_offset) as max_event_offset,

    from combined
    order by last_event_offset

)

select * from final
