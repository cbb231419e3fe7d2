import {
  DuckDBTypeId,
  arrayFromArrayValue,
  arrayFromListValue,
  bigintFromBigIntValue,
  blobValue,
  booleanFromValue,
  bytesFromBlobValue,
  createDuckDBValueConverter,
  dateFromTimestampMillisecondsValue,
  dateFromTimestampNanosecondsValue,
  dateFromTimestampSecondsValue,
  dateFromTimestampTZValue,
  dateFromTimestampValue,
  listValue,
  nullConverter,
  numberFromValue,
  objectFromStructValue,
  objectFromUnionValue,
  objectArrayFromMapValue,
  stringFromValue,
  structValue,
  timestampTZValue,
  type DuckDBValue,
  type DuckDBValueConverter,
} from '@duckdb/node-api';

/**
 * How a DuckDB value arrives in TypeScript through the Kysely dialect (and so what the
 * generated table types say):
 *
 * | DuckDB                                  | TypeScript                          |
 * |-----------------------------------------|-------------------------------------|
 * | BOOLEAN                                 | `boolean`                           |
 * | TINYINT … INTEGER, UTINYINT … UINTEGER  | `number`                            |
 * | BIGINT, UBIGINT, HUGEINT, UHUGEINT      | `bigint` (exact)                    |
 * | FLOAT, DOUBLE                           | `number`                            |
 * | DECIMAL(p,s)                            | `string` with exact digits `'12.50'`|
 * | VARCHAR, UUID, ENUM                     | `string`                            |
 * | DATE                                    | `string` `'YYYY-MM-DD'` (no zone)   |
 * | TIMESTAMPTZ, TIMESTAMP (any precision)  | `Date` (milliseconds; micros cut)   |
 * | TIME, TIME_TZ, INTERVAL                 | `string` in DuckDB's text form      |
 * | BLOB                                    | `Uint8Array`                        |
 * | LIST, ARRAY                             | arrays                              |
 * | STRUCT                                  | objects                             |
 * | MAP                                     | `{ key, value }[]`                  |
 * | NULL                                    | `null`                              |
 */
export type KyselyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Date
  | Uint8Array
  | KyselyValue[]
  | { [key: string]: KyselyValue };

function converters(): Partial<Record<DuckDBTypeId, DuckDBValueConverter<KyselyValue>>> {
  const text = (v: DuckDBValue): string => String(v);
  return {
    [DuckDBTypeId.BOOLEAN]: booleanFromValue,
    [DuckDBTypeId.TINYINT]: numberFromValue,
    [DuckDBTypeId.SMALLINT]: numberFromValue,
    [DuckDBTypeId.INTEGER]: numberFromValue,
    [DuckDBTypeId.UTINYINT]: numberFromValue,
    [DuckDBTypeId.USMALLINT]: numberFromValue,
    [DuckDBTypeId.UINTEGER]: numberFromValue,
    [DuckDBTypeId.BIGINT]: bigintFromBigIntValue,
    [DuckDBTypeId.UBIGINT]: bigintFromBigIntValue,
    [DuckDBTypeId.HUGEINT]: bigintFromBigIntValue,
    [DuckDBTypeId.UHUGEINT]: bigintFromBigIntValue,
    [DuckDBTypeId.BIGNUM]: bigintFromBigIntValue,
    [DuckDBTypeId.FLOAT]: numberFromValue,
    [DuckDBTypeId.DOUBLE]: numberFromValue,
    [DuckDBTypeId.DECIMAL]: text,
    [DuckDBTypeId.VARCHAR]: stringFromValue,
    [DuckDBTypeId.UUID]: text,
    [DuckDBTypeId.ENUM]: text,
    [DuckDBTypeId.DATE]: text,
    [DuckDBTypeId.TIMESTAMP_TZ]: dateFromTimestampTZValue,
    [DuckDBTypeId.TIMESTAMP]: dateFromTimestampValue,
    [DuckDBTypeId.TIMESTAMP_S]: dateFromTimestampSecondsValue,
    [DuckDBTypeId.TIMESTAMP_MS]: dateFromTimestampMillisecondsValue,
    [DuckDBTypeId.TIMESTAMP_NS]: dateFromTimestampNanosecondsValue,
    [DuckDBTypeId.TIME]: text,
    [DuckDBTypeId.TIME_TZ]: text,
    [DuckDBTypeId.TIME_NS]: text,
    [DuckDBTypeId.INTERVAL]: text,
    [DuckDBTypeId.BIT]: text,
    [DuckDBTypeId.BLOB]: bytesFromBlobValue,
    [DuckDBTypeId.LIST]: arrayFromListValue,
    [DuckDBTypeId.ARRAY]: arrayFromArrayValue,
    [DuckDBTypeId.STRUCT]: objectFromStructValue,
    [DuckDBTypeId.UNION]: (v, t, c) => objectFromUnionValue(v, t, c) as unknown as KyselyValue,
    [DuckDBTypeId.MAP]: (v, t, c) => objectArrayFromMapValue(v, t, c) as unknown as KyselyValue,
    [DuckDBTypeId.SQLNULL]: nullConverter,
    [DuckDBTypeId.VARIANT]: text,
    [DuckDBTypeId.GEOMETRY]: text,
  };
}

/** Converts a DuckDB value to its TypeScript form (see {@link KyselyValue} for the mapping). */
export const toKyselyValue: DuckDBValueConverter<KyselyValue> =
  createDuckDBValueConverter<KyselyValue>(
    converters() as Record<DuckDBTypeId, DuckDBValueConverter<KyselyValue> | undefined>,
  );

/**
 * Converts a query parameter from JavaScript to a DuckDB value: `Date` → TIMESTAMPTZ,
 * arrays → LIST (non-empty; DuckDB cannot infer an empty list's type: write `[]::INT[]`),
 * `Uint8Array` → BLOB, plain objects → STRUCT, `undefined` → NULL; numbers, bigints,
 * strings, booleans and null as they are (an integral number → INTEGER/BIGINT, a bigint →
 * HUGEINT; DuckDB casts them to the column's type).
 */
export function toDuckDbParameter(value: unknown): DuckDBValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return timestampTZValue(BigInt(value.getTime()) * 1000n);
  if (value instanceof Uint8Array) return blobValue(value);
  if (Array.isArray(value)) return listValue(value.map(toDuckDbParameter));
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return value;
    case 'object':
      if (Object.getPrototypeOf(value) === Object.prototype) {
        return structValue(
          Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toDuckDbParameter(v)])),
        );
      }
      return value as DuckDBValue; // a DuckDB value object (decimalValue(...), dateValue(...))
    default:
      throw new TypeError(`Cannot pass a ${typeof value} as a SQL parameter.`);
  }
}
