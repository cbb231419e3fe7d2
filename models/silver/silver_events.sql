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

-- ROW_NUMBER() deduplication: for each key (message_id, sequence_id, partition_id), among its
-- non-late copies, the first to arrive (row_number() over the key by _offset = 1), with all Bronze
-- columns. A row, once here, never changes or disappears; a later copy with another payload is a
-- conflict reported by audit_duplicates, not a replacement.
--
-- The row_number() runs on a narrow projection (key columns, _offset), then the first copies'
-- _offsets pick the wide Bronze rows by a semi-join, so the window never sorts wide rows. Bronze is
-- imported twice (narrow, then wide) on purpose: one shared CTE would be materialised wide.
-- No ORDER BY: the semi-join keeps Bronze's arrival order almost everywhere (its parallel probe can
-- hand over a few row groups out of turn), which is enough for the zone maps that the incremental
-- `_offset >` filters use, without sorting the wide rows. Nothing downstream depends on the
-- physical order: every consumer orders or aggregates.
-- Incremental: the non-late rows above our greatest _offset whose key is not here yet. Rows between
-- our greatest _offset and the previous build's end were all rejected (late, or a key already
-- here) and are rejected again, so any prefix of builds gives the same table as one full build.

with

watermarks as (

    select _offset from {{ ref('int_event_watermarks') }}
    where not is_late
        and {{ new_rows_since_last_build('_offset') }}

),

bronze_keys as (

    select
        message_id,
        sequence_id,
        partition_id,
        _offset,
    from {{ ref('bronze_events') }}
    where {{ new_rows_since_last_build('_offset') }}

),

on_time_keys as (

    select bronze_keys.*
    from bronze_keys
    semi join watermarks
        on bronze_keys._offset = watermarks._offset

),

first_copies as (

    select
        message_id,
        sequence_id,
        partition_id,
        _offset,
    from on_time_keys
    qualify row_number() over (
        partition by message_id, sequence_id, partition_id
        order by _offset
    ) = 1

),

new_first_copies as (

    select first_copies._offset
    from first_copies
    {{ anti_join_existing_keys('first_copies', ['message_id', 'sequence_id', 'partition_id']) | indent(4) }}

),

bronze as (

    select * from {{ ref('bronze_events') }}
    where {{ new_rows_since_last_build('_offset') }}

),

final as (

    select bronze.*
    from bronze
    semi join new_first_copies
        on bronze._offset = new_first_copies._offset

)

select * from final
