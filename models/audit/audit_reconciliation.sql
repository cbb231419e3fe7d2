-- Reconciliation: one row per check with what was expected, what was measured
-- and whether they agree. Every row must pass: a data test fails the build (exit 1) otherwise.
-- The simulator's injected ground truth (raw_simulations, summed over batches) is compared with
-- the measured counts only when every landed batch is a simulation without replays: with a file
-- load in the warehouse the sums do not describe the whole of Bronze, so those checks are skipped
-- (passed = true, expected and actual null, the reason in `note`).
--
-- Cost: the distinct counts of the append-only relations (keys and transaction
-- ids of bronze_events and silver_events) are summed from int_distinct_counts, which adds each
-- build's new values exactly once, so a build costs its new rows rather than a hash aggregate of
-- all of Bronze and Silver. Row counts are plain count(*); silver_transactions (rewritten by MERGE)
-- is counted whole.

with

landed as (

    select count(*) as landed_rows from {{ source('landing', 'raw_messages') }}

),

distinct_counts as (

    select
        coalesce(sum(bronze_new_keys), 0) as bronze_distinct_keys,
        coalesce(sum(bronze_new_transactions), 0) as bronze_distinct_transactions,
        coalesce(sum(silver_new_keys), 0) as silver_distinct_keys,
        coalesce(sum(silver_new_transactions), 0) as silver_distinct_transactions,
    from {{ ref('int_distinct_counts') }}

),

bronze as (

    select
        (select count(*) from {{ ref('bronze_events') }}) as bronze_rows,
        distinct_counts.bronze_distinct_keys as distinct_keys,
        distinct_counts.bronze_distinct_transactions as distinct_transactions,
    from distinct_counts

),

silver as (

    select
        (select count(*) from {{ ref('silver_events') }}) as silver_rows,
        distinct_counts.silver_distinct_keys as distinct_keys,
        distinct_counts.silver_distinct_transactions as distinct_transactions,
    from distinct_counts

),

late_keys as (

    select distinct message_id, sequence_id, partition_id
    from {{ ref('silver_late_events') }}

),

-- Late keys that also have a Silver row: Silver probes a hash table of the (few) late keys.
late_keys_kept as (

    select distinct kept.message_id, kept.sequence_id, kept.partition_id
    from {{ ref('silver_events') }} as kept
    semi join late_keys
        on kept.message_id = late_keys.message_id
        and kept.sequence_id = late_keys.sequence_id
        and kept.partition_id = late_keys.partition_id

),

keys_only_late as (

    select (select count(*) from late_keys) - (select count(*) from late_keys_kept) as keys_only_late

),

late as (

    select count(*) as late_rows from {{ ref('silver_late_events') }}

),

flagged_late as (

    select count_if(is_late) as flagged_late_rows from {{ ref('int_event_watermarks') }}

),

transactions as (

    select
        count(*) as transaction_rows,
        count(distinct transaction_id) as distinct_transactions,
        coalesce(sum(event_count), 0) as counted_events,
        coalesce(sum(amount) filter (where status = 'captured'), 0) as captured_amount,
        coalesce(sum(amount) filter (where status = 'refunded'), 0) as refunded_amount,
    from {{ ref('silver_transactions') }}

),

gold as (

    select
        coalesce(sum(transactions), 0) as transactions,
        coalesce(sum(captured_amount), 0) as captured_amount,
        coalesce(sum(refunded_amount), 0) as refunded_amount,
    from {{ ref('gold_daily_revenue') }}

),

health as (

    select
        max(value) filter (where metric = 'total_messages') as total_messages,
        max(value) filter (where metric = 'unique_messages') as unique_messages,
        max(value) filter (where metric = 'duplicate_messages') as duplicate_messages,
        max(value) filter (where metric = 'late_messages') as late_messages,
        max(value) filter (where metric = 'out_of_order_messages') as out_of_order_messages,
        max(value) filter (where metric = 'missing_sequences') as missing_sequences,
        max(value) filter (where metric = 'payload_conflicts') as payload_conflicts,
        max(value) filter (where metric = 'rejected_lines') as rejected_lines,
    from {{ ref('audit_health') }}

),

loads as (

    select
        count(*) as batches,
        count_if(kind = 'simulation' and replay_of is null) as simulated_batches,
    from {{ source('landing', 'raw_loads') }}

),

simulations as (

    select
        count(*) as simulations,
        count_if(watermark_minutes is distinct from {{ var('watermark_minutes', 60) }}) as other_delay,
        sum(messages) as messages,
        sum(unique_messages) as unique_messages,
        sum(redeliveries) as redeliveries,
        sum(payload_conflicts) as payload_conflicts,
        sum(missing_sequences) as missing_sequences,
        sum(late_messages) as late_messages,
        sum(out_of_order_messages) as out_of_order_messages,
        sum(transactions) as transactions,
        sum(malformed_lines) as malformed_lines,
    from {{ source('landing', 'raw_simulations') }}

),

simulation_scope as (

    select
        case
            when simulations.simulations = 0
                then 'skipped: no simulated batch in the warehouse'
            when loads.simulated_batches <> loads.batches or loads.batches <> simulations.simulations
                then 'skipped: the warehouse holds file loads or replays, so the simulator totals do not cover all of Bronze'
        end as skip_reason,
        case
            when simulations.other_delay > 0
                then 'skipped: the simulator counted late messages with another watermark delay than var watermark_minutes'
        end as late_skip_reason,
    from simulations, loads

),

pipeline_checks as (

    select 'bronze_rows = landed_rows' as check_name, landed.landed_rows as expected, bronze.bronze_rows as actual, null as note
    from landed, bronze
    union all
    select 'silver_events distinct keys = silver_events rows', silver.silver_rows, silver.distinct_keys, null
    from silver
    union all
    select 'bronze distinct keys = silver_events rows + keys whose every copy was late',
        bronze.distinct_keys, silver.silver_rows + keys_only_late.keys_only_late, null
    from bronze, silver, keys_only_late
    union all
    select 'silver_late_events rows = messages flagged late', flagged_late.flagged_late_rows, late.late_rows, null
    from flagged_late, late
    union all
    select 'silver_transactions distinct transaction_id = silver_transactions rows',
        transactions.transaction_rows, transactions.distinct_transactions, null
    from transactions
    union all
    select 'silver_events distinct transaction_id = silver_transactions rows',
        silver.distinct_transactions, transactions.transaction_rows, null
    from silver, transactions
    union all
    select 'silver_events rows = sum of silver_transactions event_count',
        silver.silver_rows, transactions.counted_events, null
    from silver, transactions
    union all
    select 'gold transactions = silver_transactions rows', transactions.transaction_rows, gold.transactions, null
    from transactions, gold
    union all
    select 'gold captured_amount = captured silver_transactions amount',
        transactions.captured_amount, gold.captured_amount, null
    from transactions, gold
    union all
    select 'gold refunded_amount = refunded silver_transactions amount',
        transactions.refunded_amount, gold.refunded_amount, null
    from transactions, gold
    union all
    select 'audit_health unique_messages = bronze distinct keys', bronze.distinct_keys, health.unique_messages, null
    from bronze, health

),

ground_truth as (

    -- (simulator total, measured value) pairs; `is_late_count` depends on the watermark delay.
    select unnest([
        {'name': 'messages', 'measured_as': 'total_messages', 'expected': simulations.messages, 'actual': health.total_messages, 'is_late_count': false},
        {'name': 'unique_messages', 'measured_as': 'unique_messages', 'expected': simulations.unique_messages, 'actual': health.unique_messages, 'is_late_count': false},
        {'name': 'redeliveries', 'measured_as': 'duplicate_messages', 'expected': simulations.redeliveries, 'actual': health.duplicate_messages, 'is_late_count': false},
        {'name': 'payload_conflicts', 'measured_as': 'payload_conflicts', 'expected': simulations.payload_conflicts, 'actual': health.payload_conflicts, 'is_late_count': false},
        {'name': 'missing_sequences', 'measured_as': 'missing_sequences', 'expected': simulations.missing_sequences, 'actual': health.missing_sequences, 'is_late_count': false},
        {'name': 'late_messages', 'measured_as': 'late_messages', 'expected': simulations.late_messages, 'actual': health.late_messages, 'is_late_count': true},
        {'name': 'out_of_order_messages', 'measured_as': 'out_of_order_messages', 'expected': simulations.out_of_order_messages, 'actual': health.out_of_order_messages, 'is_late_count': false},
        {'name': 'transactions', 'measured_as': 'bronze distinct transaction_id', 'expected': simulations.transactions, 'actual': bronze.distinct_transactions, 'is_late_count': false},
        {'name': 'malformed_lines', 'measured_as': 'rejected_lines', 'expected': simulations.malformed_lines, 'actual': health.rejected_lines, 'is_late_count': false},
    ], recursive := true)
    from simulations, health, bronze

),

simulation_checks as (

    select
        'simulator ' || ground_truth.name || ' = measured ' || ground_truth.measured_as as check_name,
        ground_truth.expected,
        ground_truth.actual,
        coalesce(
            simulation_scope.skip_reason,
            if(ground_truth.is_late_count, simulation_scope.late_skip_reason, null)
        ) as note,
    from ground_truth, simulation_scope

),

all_checks as (

    select * from pipeline_checks
    union all
    select * from simulation_checks

),

final as (

    select
        check_name,
        if(note is null, cast(expected as decimal(38, 2)), null) as expected,
        if(note is null, cast(actual as decimal(38, 2)), null) as actual,
        note is not null or expected is not distinct from actual as passed,
        cast(note as varchar) as note,
    from all_checks

)

select * from final
