{{
    config(
        incremental_strategy='append',
        column_compression={
            'message_id': 'fsst', 'composite_hash': 'fsst', 'payload_hash': 'fsst',
            'transaction_id': 'fsst', 'payload': 'fsst',
            'event_type': 'dictionary', 'currency': 'dictionary', '_source': 'dictionary'
        }
    )
}}

-- The immutable record: every landed message exactly once, in arrival order, with its hashes.
-- Incremental: only landed rows above the greatest _offset already here, so a re-run after a crash
-- (this model commits atomically) appends each _offset once.
--
-- No ORDER BY: raw_messages is stored in arrival order (each load appends rows with increasing
-- _offset) and DuckDB preserves insertion order through this projection, so Bronze is clustered by
-- _offset without sorting its wide rows.
--
-- payload_hash is payload_hash(payload), computed from columns so that each part is evaluated once
-- per row: one json_extract gives json(payload) and the fast-path values, and the fast-path text is
-- built once with concat (see the canonical_json_* macros; a test checks the result equals the
-- macro on every kind of payload). DuckDB already evaluates the macro's repeated parts once, so a
-- CTE around the macro call alone would gain nothing. partition_date is the UTC date of created_at
-- through its epoch microseconds, which needs no time-zone lookup; an infinite created_at, which
-- has none, keeps timezone('UTC', ...).

with

landed as (

    select * from {{ source('landing', 'raw_messages') }}
    where {{ new_rows_since_last_build('_offset') }}

),

payload_values as (

    select
        *,
        {{ canonical_json_values('payload') }} as payload_values

    from landed

),

payload_texts as (

    select
        *,
        payload_values[1] as payload_minified,
        {{ canonical_json_fast_text('payload_values') | indent(8) }} as payload_fast_text

    from payload_values

),

hashed as (

    select
        -- ids
        _offset,
        message_id,
        sequence_id,
        partition_id,
        composite_hash(message_id, sequence_id, partition_id) as composite_hash,
        sha256({{ canonical_json_from_texts('payload_minified', 'payload_fast_text') | indent(8) }}) as payload_hash,
        transaction_id,

        -- attributes
        event_type,
        currency,
        customer_id,
        payload,

        -- numbers
        amount,

        -- timestamps
        created_at,
        case
            when isfinite(created_at) then cast(make_timestamp(epoch_us(created_at)) as date)
            else cast(timezone('UTC', created_at) as date)
        end as partition_date,

        -- load metadata
        _batch_id,
        _source,
        _line,
        _loaded_at

    from payload_texts

),

final as (

    select * from hashed

)

select * from final
