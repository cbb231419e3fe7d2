{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='composite_hash'
    )
}}

-- One row per key seen more than once in Bronze: how many copies, when the first
-- and last arrived, and how many distinct payloads they carried (> 1 is a conflict).
-- Incremental: the keys of the Bronze rows above our greatest last_offset are recomputed from all
-- their Bronze copies and merged (one source row per key). Recomputing a key gives the same row, so
-- a re-run after a crash changes nothing.

with

{% if is_incremental() %}

-- The keys of the new Bronze rows (each is recomputed from all its copies).
keys_to_report as (

    select distinct
        message_id,
        sequence_id,
        partition_id,
    from {{ ref('bronze_events') }}
    where {{ new_rows_since_last_build('_offset', 'last_offset') }}

),

{% else %}

-- Two phases: find the keys with more than one copy on the key columns alone (a plain count per
-- key), then aggregate only their copies, so that count(distinct payload_hash) and arg_min/arg_max
-- run on the few duplicated keys instead of every Bronze row.
keys_to_report as (

    select
        message_id,
        sequence_id,
        partition_id,
    from {{ ref('bronze_events') }}
    group by message_id, sequence_id, partition_id
    having count(*) > 1

),

{% endif %}

copies as (

    select
        bronze.composite_hash,
        bronze.message_id,
        bronze.sequence_id,
        bronze.partition_id,
        bronze.payload_hash,
        bronze._offset,
        bronze._loaded_at,
    from {{ ref('bronze_events') }} as bronze
    semi join keys_to_report
        on bronze.message_id = keys_to_report.message_id
        and bronze.sequence_id = keys_to_report.sequence_id
        and bronze.partition_id = keys_to_report.partition_id
    {% if is_incremental() %}
    where {{ within_sequence_range('keys_to_report', 'bronze.sequence_id') }}
    {% endif %}

),

per_key as (

    select
        message_id,
        sequence_id,
        partition_id,
        any_value(composite_hash) as composite_hash,
        count(*) as copies,
        count(distinct payload_hash) as distinct_payloads,
        min(_offset) as first_offset,
        max(_offset) as last_offset,
        arg_min(_loaded_at, _offset) as first_loaded_at,
        arg_max(_loaded_at, _offset) as last_loaded_at,
    from copies
    group by message_id, sequence_id, partition_id
    having count(*) > 1

),

final as (

    select
        -- ids
        composite_hash,
        message_id,
        sequence_id,
        partition_id,

        -- numbers
        copies,
        distinct_payloads,
        first_offset,
        last_offset,

        -- timestamps
        first_loaded_at,
        last_loaded_at,
    from per_key
    order by first_offset

)

select * from final
