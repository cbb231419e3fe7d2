{{
    config(
        incremental_strategy='append'
    )
}}

-- Late messages (created_at strictly earlier than their watermark), duplicates included: diverted
-- here, never to silver_events, never lost. All Bronze columns plus the watermark.
-- Incremental: late rows above our greatest _offset. Every late row at or below it is already here
-- (each build appends all late rows it has seen), so nothing is appended twice or missed.

with

watermarks as (

    select
        _offset,
        watermark,
    from {{ ref('int_event_watermarks') }}
    where is_late
        and {{ new_rows_since_last_build('_offset') }}

),

bronze as (

    select * from {{ ref('bronze_events') }}
    where {{ new_rows_since_last_build('_offset') }}

),

late_events as (

    select
        bronze.*,
        watermarks.watermark,
    from bronze
    inner join watermarks
        on bronze._offset = watermarks._offset

),

final as (

    select * from late_events
    order by _offset

)

select * from final
