-- Health of the stream over all of Bronze: one row per metric with its value, its
-- threshold (project vars health_max_*; null when the metric has none) and a status: 'warn' when
-- the value is above the threshold, else 'ok'. A breach is a warning, never a build failure.
-- Everything is read from narrow, incrementally maintained relations, so it costs little per build.

with

bronze as (

    select count(*) as total_messages from {{ ref('bronze_events') }}

),

first_copies as (

    select
        count(*) as unique_messages,
        count_if(is_out_of_order) as out_of_order_messages,
    from {{ ref('int_key_first_copies') }}

),

sequences_per_partition as (

    select
        partition_id,
        -- is_new_sequence marks one key per distinct sequence id: a sum, not a distinct count.
        max(sequence_id) - min(sequence_id) + 1 - count_if(is_new_sequence) as missing_sequences,
        count_if(is_new_sequence) as distinct_sequences,
    from {{ ref('int_key_first_copies') }}
    group by partition_id

),

sequences as (

    select
        coalesce(sum(missing_sequences), 0) as missing_sequences,
        coalesce(sum(distinct_sequences), 0) as distinct_sequences,
    from sequences_per_partition

),

late as (

    select count(*) as late_messages from {{ ref('silver_late_events') }}

),

conflicts as (

    select count(*) as payload_conflicts from {{ ref('audit_duplicates') }}
    where distinct_payloads > 1

),

rejected as (

    select count(*) as rejected_lines from {{ source('landing', 'raw_rejected') }}

),

counts as (

    select
        bronze.total_messages,
        first_copies.unique_messages,
        bronze.total_messages - first_copies.unique_messages as duplicate_messages,
        late.late_messages,
        first_copies.out_of_order_messages,
        sequences.missing_sequences,
        sequences.distinct_sequences,
        conflicts.payload_conflicts,
        rejected.rejected_lines,
    from bronze, first_copies, sequences, late, conflicts, rejected

),

metric_list as (

    -- (metric, value, threshold), in report order; a rate is 0 when its denominator is 0.
    select [
        {'metric': 'total_messages', 'value': total_messages, 'threshold': null},
        {'metric': 'unique_messages', 'value': unique_messages, 'threshold': null},
        {'metric': 'duplicate_messages', 'value': duplicate_messages, 'threshold': null},
        {
            'metric': 'duplicate_rate',
            'value': coalesce(duplicate_messages / nullif(total_messages, 0), 0),
            'threshold': {{ var('health_max_duplicate_rate', 0.25) }},
        },
        {'metric': 'late_messages', 'value': late_messages, 'threshold': null},
        {
            'metric': 'late_rate',
            'value': coalesce(late_messages / nullif(total_messages, 0), 0),
            'threshold': {{ var('health_max_late_rate', 0.05) }},
        },
        {'metric': 'out_of_order_messages', 'value': out_of_order_messages, 'threshold': null},
        {
            'metric': 'out_of_order_rate',
            'value': coalesce(out_of_order_messages / nullif(unique_messages, 0), 0),
            'threshold': {{ var('health_max_out_of_order_rate', 0.25) }},
        },
        {'metric': 'missing_sequences', 'value': missing_sequences, 'threshold': null},
        {
            'metric': 'missing_rate',
            'value': coalesce(missing_sequences / nullif(missing_sequences + distinct_sequences, 0), 0),
            'threshold': {{ var('health_max_missing_rate', 0.05) }},
        },
        {'metric': 'payload_conflicts', 'value': payload_conflicts, 'threshold': null},
        {
            'metric': 'conflict_rate',
            'value': coalesce(payload_conflicts / nullif(unique_messages, 0), 0),
            'threshold': {{ var('health_max_conflict_rate', 0.01) }},
        },
        {'metric': 'rejected_lines', 'value': rejected_lines, 'threshold': null},
        {
            'metric': 'rejected_rate',
            'value': coalesce(rejected_lines / nullif(total_messages + rejected_lines, 0), 0),
            'threshold': {{ var('health_max_rejected_rate', 0.01) }},
        },
    ] as metrics
    from counts

),

metrics as (

    -- One row per metric; metric_order is its place in the list above, from 1.
    select
        unnest(metrics, recursive := true),
        generate_subscripts(metrics, 1) as metric_order,
    from metric_list

),

final as (

    select
        metric,
        cast(metric_order as integer) as metric_order,
        cast(value as double) as value,
        cast(threshold as double) as threshold,
        case when value > threshold then 'warn' else 'ok' end as status,
    from metrics

)

select * from final
order by metric_order
