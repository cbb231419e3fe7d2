{{
    config(
        incremental_strategy='append'
    )
}}

-- One narrow row per Bronze _offset: its watermark and whether it is late.
-- watermark = greatest created_at among all messages that arrived earlier (smaller _offset) minus
-- var('watermark_minutes'); late = created_at strictly earlier than the watermark. The first
-- message has no watermark and is never late.
-- Incremental: the Bronze rows above our greatest _offset; the greatest created_at of every earlier
-- row is carried from this table (it holds every earlier _offset), so the result is exact.

with

bronze as (

    select
        _offset,
        created_at,
    from {{ ref('bronze_events') }}
    where {{ new_rows_since_last_build('_offset') }}

),

earlier_greatest as (

    {% if is_incremental() %}
    select max(created_at) as greatest_created_at from {{ this }}
    {% else %}
    select cast(null as timestamptz) as greatest_created_at
    {% endif %}

),

greatest_before as (

    select
        bronze._offset,
        bronze.created_at,
        greatest(
            earlier_greatest.greatest_created_at,
            max(bronze.created_at) over (
                order by bronze._offset
                rows between unbounded preceding and 1 preceding
            )
        ) as greatest_created_at_before,
    from bronze
    cross join earlier_greatest

),

final as (

    select
        _offset,
        created_at,
        greatest_created_at_before - to_minutes(cast({{ var('watermark_minutes', 60) }} as bigint)) as watermark,
        coalesce(
            created_at < greatest_created_at_before - to_minutes(cast({{ var('watermark_minutes', 60) }} as bigint)),
            false
        ) as is_late,
    from greatest_before
    order by _offset

)

select * from final
