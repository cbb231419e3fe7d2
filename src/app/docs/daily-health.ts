import { sql, type Kysely } from 'kysely';
import type { WarehouseDatabase } from '../../generated/warehouse-types.js';
import { quoteIdentifier } from '../../base/warehouse/quote.js';
import type { RelationName } from './read-artifacts.js';
import type { DocsHealthDay, DocsRejectedDay } from './site/docs-data.js';

/** The relations the daily series reads, found in the manifest by name. */
export const DAILY_RELATIONS = [
  'bronze_events',
  'int_key_first_copies',
  'silver_late_events',
  'audit_duplicates',
] as const;

type DailyRelations = Record<(typeof DAILY_RELATIONS)[number], RelationName>;

const name = (relation: RelationName): string =>
  `${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.identifier)}`;

/**
 * audit_health's counts and rates split by the events' day (partition_date), so that the daily
 * figures add up to audit_health's totals: a key's first copy decides its day; a sequence gap is
 * counted on the day of the sequence after it, so the gaps of a partition sum to max - min + 1 -
 * distinct; a payload conflict is counted on the day of the key's first copy.
 */
function dailySql(r: DailyRelations): string {
  return `
with

bronze as (
    select _offset, partition_date from ${name(r.bronze_events)}
),

messages_per_day as (
    select partition_date as day, count(*) as total_messages from bronze group by partition_date
),

first_copies as (
    select bronze.partition_date as day, keys.partition_id, keys.sequence_id,
        keys.is_out_of_order, keys.is_new_sequence
    from ${name(r.int_key_first_copies)} as keys
    inner join bronze on bronze._offset = keys._offset
),

uniques_per_day as (
    select day, count(*) as unique_messages,
        count(*) filter (where is_out_of_order) as out_of_order_messages,
        count(*) filter (where is_new_sequence) as distinct_sequences
    from first_copies group by day
),

sequence_gaps as (
    select day,
        coalesce(sequence_id - lag(sequence_id) over (
            partition by partition_id order by sequence_id) - 1, 0) as gap
    from first_copies where is_new_sequence
),

gaps_per_day as (
    select day, sum(gap) as missing_sequences from sequence_gaps group by day
),

late_per_day as (
    select partition_date as day, count(*) as late_messages
    from ${name(r.silver_late_events)} group by partition_date
),

conflicts_per_day as (
    select bronze.partition_date as day, count(*) as payload_conflicts
    from ${name(r.audit_duplicates)} as duplicates
    inner join bronze on bronze._offset = duplicates.first_offset
    where duplicates.distinct_payloads > 1
    group by bronze.partition_date
),

counts as (
    select
        cast(messages_per_day.day as varchar) as day,
        cast(messages_per_day.total_messages as double) as total_messages,
        cast(coalesce(uniques_per_day.unique_messages, 0) as double) as unique_messages,
        cast(coalesce(late_per_day.late_messages, 0) as double) as late_messages,
        cast(coalesce(uniques_per_day.out_of_order_messages, 0) as double) as out_of_order_messages,
        cast(coalesce(gaps_per_day.missing_sequences, 0) as double) as missing_sequences,
        cast(coalesce(uniques_per_day.distinct_sequences, 0) as double) as distinct_sequences,
        cast(coalesce(conflicts_per_day.payload_conflicts, 0) as double) as payload_conflicts
    from messages_per_day
    left join uniques_per_day on uniques_per_day.day = messages_per_day.day
    left join gaps_per_day on gaps_per_day.day = messages_per_day.day
    left join late_per_day on late_per_day.day = messages_per_day.day
    left join conflicts_per_day on conflicts_per_day.day = messages_per_day.day
)

select * from counts
order by day
`;
}

/** `numerator / denominator`, 0 when the denominator is 0 (as audit_health does). */
const rate = (numerator: number, denominator: number): number =>
  denominator === 0 ? 0 : numerator / denominator;

export async function readDailyHealth(
  db: Kysely<WarehouseDatabase>,
  relations: DailyRelations,
): Promise<DocsHealthDay[]> {
  const result = await sql<
    Record<string, string | number>
  >`${sql.raw(dailySql(relations))}`.execute(db);
  return result.rows.map((row) => {
    const count = (column: string): number => Number(row[column] ?? 0);
    const total = count('total_messages');
    const unique = count('unique_messages');
    const missing = count('missing_sequences');
    const distinct = count('distinct_sequences');
    return {
      day: String(row['day']),
      totalMessages: total,
      uniqueMessages: unique,
      duplicateMessages: total - unique,
      lateMessages: count('late_messages'),
      outOfOrderMessages: count('out_of_order_messages'),
      missingSequences: missing,
      distinctSequences: distinct,
      payloadConflicts: count('payload_conflicts'),
      duplicateRate: rate(total - unique, total),
      lateRate: rate(count('late_messages'), total),
      outOfOrderRate: rate(count('out_of_order_messages'), unique),
      missingRate: rate(missing, missing + distinct),
      conflictRate: rate(count('payload_conflicts'), unique),
    };
  });
}

/**
 * Rejected lines per arrival day (a rejected line has no trustworthy event day), with the rate
 * audit_health uses: rejected / (landed + rejected), the landed messages counted by arrival too.
 */
export async function readRejectedDaily(
  db: Kysely<WarehouseDatabase>,
  rejected: RelationName,
  bronze: RelationName,
): Promise<DocsRejectedDay[]> {
  const result = await sql<{
    day: string;
    rejected_lines: number;
    landed_messages: number;
  }>`${sql.raw(`
with

rejected as (
    select cast(cast(_loaded_at as date) as varchar) as day, count(*) as rejected_lines
    from ${name(rejected)} group by 1
),

landed as (
    select cast(cast(_loaded_at as date) as varchar) as day, count(*) as landed_messages
    from ${name(bronze)} group by 1
)

select rejected.day,
    cast(rejected.rejected_lines as double) as rejected_lines,
    cast(coalesce(landed.landed_messages, 0) as double) as landed_messages
from rejected
left join landed on landed.day = rejected.day
order by rejected.day
`)}`.execute(db);
  return result.rows.map((row) => {
    const rejectedLines = Number(row.rejected_lines);
    const landedMessages = Number(row.landed_messages);
    return {
      day: row.day,
      rejectedLines,
      landedMessages,
      rejectedRate: rate(rejectedLines, rejectedLines + landedMessages),
    };
  });
}
