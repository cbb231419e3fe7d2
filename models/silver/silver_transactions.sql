{{
    config(
        incremental_strategy='merge',
        unique_key='transaction_id'
    )
}}

-- Current state per transaction_id, maintained with MERGE INTO from the new Silver events. Last
-- write wins: the row reflects the Silver event with the greatest (created_at, _offset);
-- event_count is the number of Silver events of the transaction.
--
-- The MERGE source is reduced to ONE row per transaction_id first: a DuckDB MERGE INTO whose source
-- holds several rows per key raises no error and inserts duplicate keys.
-- Incremental: Silver events above max(max_event_offset), the greatest Silver _offset already
-- counted (stored in the rows themselves, so the MERGE and its high-water mark commit together),
-- each counted exactly once. A first build has no current rows: the new events' state is the table.

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
    where {{ new_rows_since_last_build('_offset', 'max_event_offset') }}

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

-- The new events' state per transaction, in this table's columns.
batch_state as (

    select
        transaction_id,
        latest.status as status,
        latest.currency as currency,
        latest.customer_id as customer_id,
        latest.message_id as last_message_id,
        latest.amount as amount,
        new_event_count as event_count,
        latest.created_at as updated_at,
        latest._offset as last_event_offset,
        max_new_offset as max_event_offset,
    from latest_per_transaction

),

{% if is_incremental() %}

current_state as (

    select * from {{ this }}
    where transaction_id in (select transaction_id from batch_state)

),

-- Each transaction's new state from its current row, if any: the batch's latest event wins unless
-- the current row's is later by (created_at, _offset), so an older event arriving later never
-- overwrites a newer one; the counts add up.
new_state as (

    select
        batch.transaction_id,
        current_state.transaction_id is null
            or batch.updated_at > current_state.updated_at
            or (
                batch.updated_at = current_state.updated_at
                and batch.last_event_offset > current_state.last_event_offset
            ) as batch_wins,
        if(batch_wins, batch.status, current_state.status) as status,
        if(batch_wins, batch.currency, current_state.currency) as currency,
        if(batch_wins, batch.customer_id, current_state.customer_id) as customer_id,
        if(batch_wins, batch.last_message_id, current_state.last_message_id) as last_message_id,
        if(batch_wins, batch.amount, current_state.amount) as amount,
        coalesce(current_state.event_count, 0) + batch.event_count as event_count,
        if(batch_wins, batch.updated_at, current_state.updated_at) as updated_at,
        if(batch_wins, batch.last_event_offset, current_state.last_event_offset) as last_event_offset,
        greatest(batch.max_event_offset, current_state.max_event_offset) as max_event_offset,
    from batch_state as batch
    left join current_state
        on batch.transaction_id = current_state.transaction_id

),

{% endif %}

final as (

    select
        -- ids
        transaction_id,

        -- attributes
        status,
        currency,
        customer_id,
        last_message_id,

        -- numbers
        amount,
        event_count,

        -- timestamps
        updated_at,

        -- arrival bookkeeping
        last_event_offset,
        max_event_offset,

    from {{ 'new_state' if is_incremental() else 'batch_state' }}
    order by last_event_offset

)

select * from final
