{{
    config(
        materialized='incremental',
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
    {% if is_incremental() %}
        and _offset > (select coalesce(max(_offset), -1) from {{ this }})
    {% endif %}

),

bronze as (

    select * from {{ ref('bronze_events') }}
    {% if is_incremental() %}
    where _offset > (select coalesce(max(_offset), -1) from {{ this }})
    {% endif %}

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
