import { quoteLiteral } from '../../base/warehouse/quote.js';
import { CURRENCIES, EVENT_TYPES, METHODS } from './payment-codes.js';
import { STAGED_COLUMNS } from './staged-columns.js';

/** What the rows of a staged chunk share: their batch, and the run tag of their ids. */
export interface StagedBatch {
  /** The `_offset` of the batch's first row (ordinal 1). */
  readonly firstOffset: number;
  readonly batchId: number;
  readonly source: string;
  /** `_loaded_at` as a SQL timestamp literal. */
  readonly loadedAt: string;
  readonly runTag: string;
}

/** A SQL list literal of strings, indexed 1-based by `code + 1`. */
function listLiteral(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}

/**
 * The fraction of an amount as the JSON payload stores it, indexed by `cents % 100`: the shortest
 * text of the double (`.0`, `.01` ... `.09`, `.1`, `.11` ...).
 */
const AMOUNT_FRACTIONS = Array.from({ length: 100 }, (_, cents) =>
  cents % 10 === 0 ? `.${cents / 10}` : `.${String(cents).padStart(2, '0')}`,
);

/**
 * SQL for an amount given as whole cents in `cents` (a BIGINT column, 0 <= cents < 2^43): its text in
 * the stored payload JSON, and its DECIMAL(18,2) (from DOUBLE cents / 100, exact to the cent here).
 * Exported for the test that compares them with what the loader stores.
 */
export function amountSql(cents: string): { json: string; decimal: string } {
  return {
    json: `concat(${cents} // 100, ${listLiteral(AMOUNT_FRACTIONS)}[${cents} % 100 + 1])`,
    decimal: `(${cents} / 100)::DECIMAL(18,2)`,
  };
}

/** The staged columns read back with their types as the landing uses them. */
const STAGED_SELECT = STAGED_COLUMNS.map(
  ({ name, type }) => `${name}::${type === 'DOUBLE' ? 'BIGINT' : 'INTEGER'} as ${name}`,
).join(', ');

/**
 * The insert of one staged chunk into `raw_messages`, one set-based statement.
 *
 * The payload is the text the loader stores for the same line of the `--out` JSONL: DuckDB's JSON
 * reader keeps the keys in their order without the spacing (a re-serialised copy is stored compact,
 * in its own key order) and writes a number as the shortest text of its double (`224.40` is stored
 * `224.4`, `100.00` as `100.0`). It is built in that form directly and only validated by the cast to
 * JSON, instead of being built as in the JSONL and re-serialised with `json()`, which costs a parse
 * and a serialisation per row (the same bytes: {@link amountSql} is tested against `json()` for every
 * amount up to 1,000.00; the simulator's amounts stay below 502.00). `created_at` is the instant
 * `created_ms` after the epoch (`make_timestamptz` of microseconds: no time zone arithmetic).
 *
 * The chunk's files are read in order, one row group each: a row group is one batch of the insert and
 * the threads take them in turn, so arrival order is kept without a sort and every file is written
 * as one full row group of `raw_messages`.
 */
export function insertStagedChunkSql(files: readonly string[], batch: StagedBatch): string {
  const customerJson = `case when customer_no >= 0 then concat('"c-', customer_no, '"') else 'null' end`;
  return `
    insert into raw_messages
    with staged as (
        select
            ordinal,
            sequence_id,
            partition_id,
            created_ms,
            amount_cents,
            reserialised,
            concat(${quoteLiteral(`${batch.runTag}-m`)}, message_no) as message_id,
            concat(${quoteLiteral(`${batch.runTag}-t`)}, transaction_no) as transaction_id,
            ${listLiteral(EVENT_TYPES)}[event_type_code + 1] as event_type,
            ${listLiteral(CURRENCIES)}[currency_code + 1] as currency,
            case when customer_no >= 0 then concat('c-', customer_no) end as customer_id,
            ${customerJson} as customer_json,
            ${listLiteral(METHODS)}[method_code + 1] as method,
            ${amountSql('amount_cents').json} as amount_json
        from (select ${STAGED_SELECT} from read_parquet(${listLiteral(files)}))
    )
    select
        ${batch.firstOffset - 1} + ordinal as _offset,
        message_id,
        sequence_id,
        partition_id,
        make_timestamptz(created_ms * 1000) as created_at,
        transaction_id,
        event_type,
        ${amountSql('amount_cents').decimal} as amount,
        currency,
        customer_id,
        (case
            when reserialised = 1 then
                concat('{"method":"', method, '","customer_id":', customer_json, ',"currency":"', currency,
                    '","amount":', amount_json, ',"event_type":"', event_type, '","transaction_id":"',
                    transaction_id, '"}')
            else
                concat('{"transaction_id":"', transaction_id, '","event_type":"', event_type, '","amount":',
                    amount_json, ',"currency":"', currency, '","customer_id":', customer_json, ',"method":"',
                    method, '"}')
        end)::JSON as payload,
        ${batch.batchId} as _batch_id,
        ${quoteLiteral(batch.source)} as _source,
        ordinal as _line,
        ${batch.loadedAt} as _loaded_at
    from staged`;
}
