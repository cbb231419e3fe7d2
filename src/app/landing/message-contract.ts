/**
 * The message contract as SQL: one expression per field that yields the reason a line is
 * rejected (naming the field), or null when the field is valid, and the typed values of a valid line.
 *
 * Decisions (the README's landing section states the contract):
 * - `sequence_id` / `partition_id` must be JSON integer literals: `1.5`, `1.0`, `1e3` and `"3"` are
 *   rejected, as are negative values and values beyond BIGINT (INTEGER for `partition_id`).
 * - `amount` is a JSON number >= 0 with at most 2 decimals (`12.30` and `1e2` are fine, `1.005` is not),
 *   below 10^16 so that it fits DECIMAL(18,2).
 * - `created_at` is `YYYY-MM-DD` + `T` or space + `HH:MM[:SS[.fraction]]` + optional `Z` / `±HH[:MM]`
 *   (offsets up to ±18:00); no offset means UTC; fractions beyond microseconds are truncated.
 * - `customer_id` is a string (possibly empty), `null`, or absent.
 */

/** JSON paths extracted once per line, in this order (1-based list indexes in SQL). */
const FIELD_PATHS = [
  '$.message_id',
  '$.sequence_id',
  '$.partition_id',
  '$.created_at',
  '$.payload',
  '$.payload.transaction_id',
  '$.payload.event_type',
  '$.payload.amount',
  '$.payload.currency',
  '$.payload.customer_id',
] as const;

type Field = (typeof FIELD_PATHS)[number];

/** The field's JSON type (`VARCHAR`, `BIGINT`, `OBJECT`, `NULL`, ...; SQL null when absent). */
function typeOf(path: Field): string {
  return `t[${FIELD_PATHS.indexOf(path) + 1}]`;
}

/** The field as text: a string's value, any other value's JSON text, SQL null when absent or JSON null. */
function str(path: Field): string {
  return `v[${FIELD_PATHS.indexOf(path) + 1}]`;
}

/**
 * The JSON value as written in the line, shortened for a reason message. Only evaluated for the
 * rows a rule rejects (DuckDB evaluates a CASE branch only for its rows), so it costs nothing on
 * good lines.
 */
function got(path: Field): string {
  const value = `json_extract(raw, '${path}')::VARCHAR`;
  return `(case when ${value} is null then 'missing' when length(${value}) > 60 then left(${value}, 57) || '...' else ${value} end)`;
}

const CREATED_AT_PATTERN = String.raw`^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-](?:0\d|1[0-8])(:?[0-5]\d)?)?$`;
const CREATED_AT_GROUPS = `['day', 'clock', 'seconds', 'fraction', 'zone', 'zone_minutes']`;
const AMOUNT_PATTERN = String.raw`^\d+(\.\d{1,2})?$`;

function nonNegativeInteger(path: Field, max: string): string {
  return `case
        when ${typeOf(path)} is distinct from 'BIGINT' and ${typeOf(path)} is distinct from 'UBIGINT'
            or ${str(path)} like '-%'
            then '${path.slice(2)}: must be a JSON integer >= 0, got ' || ${got(path)}
        when ${str(path)}::HUGEINT > ${max}
            then '${path.slice(2)}: out of range (at most ${max}), got ' || ${got(path)}
    end`;
}

function nonEmptyString(path: Field, name: string): string {
  return `case when ${typeOf(path)} is distinct from 'VARCHAR' or ${str(path)} = ''
        then '${name}: must be a non-empty JSON string, got ' || ${got(path)} end`;
}

/** One expression per rule, checked in this order; the first failing rule is the line's reason. */
const FIELD_REASONS: readonly string[] = [
  nonEmptyString('$.message_id', 'message_id'),
  nonNegativeInteger('$.sequence_id', '9223372036854775807'),
  nonNegativeInteger('$.partition_id', '2147483647'),
  `case
        when ${typeOf('$.created_at')} is distinct from 'VARCHAR' or created_parts['day'] = ''
            then 'created_at: must be an ISO-8601 timestamp string, got ' || ${got('$.created_at')}
        when created_at is null
            then 'created_at: not a valid date and time, got ' || ${got('$.created_at')}
    end`,
  `case when ${typeOf('$.payload')} is distinct from 'OBJECT'
        then 'payload: must be a JSON object, got ' || ${got('$.payload')} end`,
  nonEmptyString('$.payload.transaction_id', 'payload.transaction_id'),
  nonEmptyString('$.payload.event_type', 'payload.event_type'),
  `case
        when ${typeOf('$.payload.amount')} not in ('BIGINT', 'UBIGINT', 'DOUBLE')
            or ${typeOf('$.payload.amount')} is null
            or ${str('$.payload.amount')} like '-%'
            then 'payload.amount: must be a JSON number >= 0, got ' || ${got('$.payload.amount')}
        when not regexp_matches(${str('$.payload.amount')}, '${AMOUNT_PATTERN}')
            then 'payload.amount: at most 2 decimals, got ' || ${got('$.payload.amount')}
        when amount is null
            then 'payload.amount: out of range for DECIMAL(18,2), got ' || ${got('$.payload.amount')}
    end`,
  `case when ${typeOf('$.payload.currency')} is distinct from 'VARCHAR'
            or not regexp_matches(${str('$.payload.currency')}, '^[A-Z]{3}$')
        then 'payload.currency: must be three upper-case letters, got ' || ${got('$.payload.currency')} end`,
  `case when ${typeOf('$.payload.customer_id')} not in ('VARCHAR', 'NULL')
        then 'payload.customer_id: must be a JSON string or null, got ' || ${got('$.payload.customer_id')} end`,
];

/**
 * SQL selecting, from `linesRelation(line_no BIGINT, raw VARCHAR)` with blank lines already removed,
 * `line_no`, `raw` (the rejected line; null when accepted), `reason` (null when accepted) and the typed columns of `raw_messages` (null when
 * rejected). The payload is stored as DuckDB writes it back: same keys, order and values, minified.
 *
 * Each line is parsed a few times in all (validity, the fields' types, their values, the payload),
 * each field's pattern matched once: this is the loader's hot path, a million lines a run.
 */
export function validateLinesSql(linesRelation: string): string {
  const paths = `[${FIELD_PATHS.map((p) => `'${p}'`).join(', ')}]`;
  return `
with parsed as (
    select
        line_no,
        raw,
        case
            when not json_valid(raw) then 'invalid JSON'
            when json_type(raw) <> 'OBJECT' then 'not a JSON object'
        end as shape_reason,
        case when shape_reason is null then json_type(raw, ${paths}) end as t,
        case when shape_reason is null then json_extract_string(raw, ${paths}) end as v
    from ${linesRelation}
),

typed as (
    select
        *,
        regexp_extract(case when ${typeOf('$.created_at')} = 'VARCHAR' then ${str('$.created_at')} else '' end,
            '${CREATED_AT_PATTERN}', ${CREATED_AT_GROUPS}) as created_parts,
        -- a form DuckDB casts to TIMESTAMPTZ whatever the session time zone: no offset means UTC
        try_cast(
            created_parts['day'] || ' ' || created_parts['clock'] || coalesce(nullif(created_parts['seconds'], ''), ':00') ||
            coalesce(nullif(replace(created_parts['zone'], 'Z', '+00:00'), ''), '+00:00')
            as TIMESTAMPTZ) as created_at,
        try_cast(${str('$.payload.amount')} as DECIMAL(18,2)) as amount
    from parsed
),

checked as (
    select
        *,
        coalesce(shape_reason, ${FIELD_REASONS.join(',\n        ')}) as reason
    from typed
)

select
    line_no,
    case when reason is not null then raw end as raw,
    reason,
    case when reason is null then ${str('$.message_id')} end as message_id,
    case when reason is null then ${str('$.sequence_id')}::BIGINT end as sequence_id,
    case when reason is null then ${str('$.partition_id')}::INTEGER end as partition_id,
    case when reason is null then created_at end as created_at,
    case when reason is null then ${str('$.payload.transaction_id')} end as transaction_id,
    case when reason is null then ${str('$.payload.event_type')} end as event_type,
    case when reason is null then amount end as amount,
    case when reason is null then ${str('$.payload.currency')} end as currency,
    case when reason is null then ${str('$.payload.customer_id')} end as customer_id,
    case when reason is null then json_extract(raw, '$.payload') end as payload
from checked
`;
}
