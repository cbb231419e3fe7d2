-- The naive peer: the straightforward SQL a user writes first to do the same job as the full build
-- (Bronze with both hashes, late events by watermark, ROW_NUMBER dedup, current transaction state,
-- Gold, the audits and the data tests), over the same landed rows. Fair but unoptimised:
--   * hashes are stored as hex text and the dedup partitions by the hex composite hash;
--   * every step carries the wide rows (one QUALIFY row_number() over the wide Bronze rows, the
--     watermark window computed over the wide rows, a QUALIFY for the current transaction state);
--   * everything is rebuilt from scratch each time (no incremental state).
--   * the payload hash uses the project's own `payload_hash` macro (canonical JSON, then SHA-256),
--     so both sides hash the same text and find the same conflicts; the naive job therefore runs on
--     a copy of the Bronze snapshot, where the build's on-run-start hook installed the macros, and
--     reads only the landing tables.
-- Placeholders filled by bench/strategies/naive.ts: {{ watermark_minutes }} and the health
-- thresholds {{ max_*_rate }} (the project's defaults from dbt_project.yml).
set TimeZone = 'UTC';

create schema if not exists naive;

create or replace table naive.bronze_events as
select
    raw.*,
    sha256(raw.message_id || '|' || raw.sequence_id || '|' || raw.partition_id) as composite_hash,
    payload_hash(raw.payload) as payload_hash,
    cast(raw.created_at as date) as partition_date,
from main.raw_messages as raw;

create or replace table naive.flagged_events as
select
    *,
    max(created_at) over (order by _offset rows between unbounded preceding and 1 preceding)
        - interval ({{ watermark_minutes }}) minute as watermark,
from naive.bronze_events;

create or replace table naive.silver_late_events as
select *
from naive.flagged_events
where created_at < watermark;

create or replace table naive.silver_events as
select * exclude (watermark)
from naive.flagged_events
where watermark is null or created_at >= watermark
qualify row_number() over (partition by composite_hash order by _offset) = 1;

create or replace table naive.silver_transactions as
select
    transaction_id,
    event_type as status,
    amount,
    currency,
    customer_id,
    message_id as last_message_id,
    created_at as updated_at,
    count(*) over (partition by transaction_id) as event_count,
from naive.silver_events
qualify row_number() over (partition by transaction_id order by created_at desc, _offset desc) = 1;

create or replace table naive.gold_daily_revenue as
select
    cast(updated_at as date) as day,
    currency,
    count(*) as transactions,
    coalesce(sum(amount) filter (where status = 'captured'), 0) as captured_amount,
    coalesce(sum(amount) filter (where status = 'refunded'), 0) as refunded_amount,
from naive.silver_transactions
group by all;

create or replace table naive.audit_duplicates as
select
    composite_hash,
    message_id,
    sequence_id,
    partition_id,
    count(*) as copies,
    min(_offset) as first_offset,
    max(_offset) as last_offset,
    min(_loaded_at) as first_loaded_at,
    max(_loaded_at) as last_loaded_at,
    count(distinct payload_hash) as distinct_payloads,
from naive.bronze_events
group by composite_hash, message_id, sequence_id, partition_id
having count(*) > 1;

create or replace table naive.audit_health as
with
    first_copies as (
        select *
        from naive.bronze_events
        qualify row_number() over (partition by composite_hash order by _offset) = 1
    ),
    ordered_first_copies as (
        select
            sequence_id < max(sequence_id) over (
                partition by partition_id order by _offset rows between unbounded preceding and 1 preceding
            ) as is_out_of_order,
        from first_copies
    ),
    partition_gaps as (
        select max(sequence_id) - min(sequence_id) + 1 - count(distinct sequence_id) as gaps,
        from naive.bronze_events
        group by partition_id
    ),
    counts as (
        select
            (select count(*) from naive.bronze_events) as total_messages,
            (select count(distinct composite_hash) from naive.bronze_events) as unique_messages,
            (select count(*) from naive.silver_late_events) as late_messages,
            (select count(*) from ordered_first_copies where is_out_of_order) as out_of_order_messages,
            (select coalesce(sum(gaps), 0) from partition_gaps) as missing_sequences,
            (select count(*) from naive.audit_duplicates where distinct_payloads > 1) as payload_conflicts,
            (select count(*) from main.raw_rejected) as rejected_lines,
    ),
    metrics as (
        select 'total_messages' as metric, total_messages::double as value, null::double as threshold from counts
        union all select 'unique_messages', unique_messages, null from counts
        union all select 'duplicate_messages', total_messages - unique_messages, null from counts
        union all
        select 'duplicate_rate', (total_messages - unique_messages) / nullif(total_messages, 0), {{ max_duplicate_rate }}
        from counts
        union all select 'late_messages', late_messages, null from counts
        union all select 'late_rate', late_messages / nullif(total_messages, 0), {{ max_late_rate }} from counts
        union all select 'out_of_order_messages', out_of_order_messages, null from counts
        union all
        select 'out_of_order_rate', out_of_order_messages / nullif(unique_messages, 0), {{ max_out_of_order_rate }}
        from counts
        union all select 'missing_sequences', missing_sequences, null from counts
        union all
        select 'missing_rate', missing_sequences / nullif(unique_messages + missing_sequences, 0), {{ max_missing_rate }}
        from counts
        union all select 'payload_conflicts', payload_conflicts, null from counts
        union all
        select 'conflict_rate', payload_conflicts / nullif(unique_messages, 0), {{ max_conflict_rate }} from counts
        union all select 'rejected_lines', rejected_lines, null from counts
        union all
        select 'rejected_rate', rejected_lines / nullif(total_messages + rejected_lines, 0), {{ max_rejected_rate }}
        from counts
    )
select
    metric,
    value,
    threshold,
    case when threshold is not null and value > threshold then 'warn' else 'ok' end as status,
from metrics;

create or replace table naive.audit_reconciliation as
with
    checks as (
        select
            'bronze rows = landed rows' as check_name,
            (select count(*) from main.raw_messages) as expected,
            (select count(*) from naive.bronze_events) as actual,
        union all
        select
            'silver unique keys = silver rows',
            (select count(*) from naive.silver_events),
            (select count(distinct composite_hash) from naive.silver_events),
        union all
        select
            'bronze keys = silver rows + all-late keys',
            (select count(distinct composite_hash) from naive.bronze_events),
            (select count(*) from naive.silver_events)
                + (
                    select count(distinct composite_hash)
                    from naive.silver_late_events
                    where composite_hash not in (select composite_hash from naive.silver_events)
                ),
        union all
        select
            'unique transactions = transaction rows',
            (select count(*) from naive.silver_transactions),
            (select count(distinct transaction_id) from naive.silver_transactions),
        union all
        select
            'silver transactions = transaction rows',
            (select count(distinct transaction_id) from naive.silver_events),
            (select count(*) from naive.silver_transactions),
        union all
        select
            'gold transactions = transaction rows',
            (select count(*) from naive.silver_transactions),
            (select sum(transactions) from naive.gold_daily_revenue),
    )
select check_name, expected, actual, expected = actual as passed,
from checks;
