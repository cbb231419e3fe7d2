import {
  DuckDBDateValue,
  DuckDBTypeId,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  arrayFromArrayValue,
  arrayFromListValue,
  createDuckDBValueConverter,
  objectFromStructValue,
  objectFromUnionValue,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBValueConverter,
} from '@duckdb/node-api';
import { dateText } from '../../../base/warehouse/date-text.js';

/** A value ready for JSON: like JSON's, plus `bigint` written as an exact number literal. */
export type JsonReady =
  null | boolean | number | bigint | string | JsonReady[] | { [key: string]: JsonReady };

/**
 * Text of a value as shown in the table, markdown and CSV formats: DuckDB's own text form
 * (`2024-01-02 03:04:05+00`, `[1, 2]`, `{'a': 1}`); `null` for SQL NULL so each format can
 * choose how to show it.
 */
export function cellText(value: DuckDBValue): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof DuckDBTimestampTZValue) return timestampTzText(value, ' ');
  if (value instanceof DuckDBDateValue) return dateText(value);
  return String(value);
}

/**
 * Converts a value for JSON output. Decisions (documented in the README, "Exploring the warehouse"):
 * integers (BIGINT and HUGEINT included) → exact JSON numbers; DECIMAL → string with its exact
 * digits (`"12.50"`); DOUBLE → number (NaN/Infinity → string); TIMESTAMPTZ → ISO 8601 in UTC with
 * microseconds (`"2024-01-02T03:04:05.123456Z"`); TIMESTAMP → ISO without zone; DATE →
 * `"YYYY-MM-DD"`; LIST/ARRAY → arrays; STRUCT → objects; MAP → `{key: value}` object;
 * NULL → null; anything else → DuckDB's text.
 */
export const jsonValue: DuckDBValueConverter<JsonReady> = createDuckDBValueConverter<JsonReady>(
  jsonConverters() as Record<DuckDBTypeId, DuckDBValueConverter<JsonReady> | undefined>,
);

function jsonConverters(): Partial<Record<DuckDBTypeId, DuckDBValueConverter<JsonReady>>> {
  return {
    [DuckDBTypeId.BOOLEAN]: (v) => v as boolean,
    [DuckDBTypeId.TINYINT]: (v) => v as number,
    [DuckDBTypeId.SMALLINT]: (v) => v as number,
    [DuckDBTypeId.INTEGER]: (v) => v as number,
    [DuckDBTypeId.UTINYINT]: (v) => v as number,
    [DuckDBTypeId.USMALLINT]: (v) => v as number,
    [DuckDBTypeId.UINTEGER]: (v) => v as number,
    [DuckDBTypeId.BIGINT]: (v) => v as bigint,
    [DuckDBTypeId.UBIGINT]: (v) => v as bigint,
    [DuckDBTypeId.HUGEINT]: (v) => v as bigint,
    [DuckDBTypeId.UHUGEINT]: (v) => v as bigint,
    [DuckDBTypeId.FLOAT]: (v) => finiteOrText(v as number),
    [DuckDBTypeId.DOUBLE]: (v) => finiteOrText(v as number),
    [DuckDBTypeId.DECIMAL]: (v) => String(v),
    [DuckDBTypeId.TIMESTAMP_TZ]: (v) => timestampTzText(v as DuckDBTimestampTZValue, 'T'),
    [DuckDBTypeId.TIMESTAMP]: (v) => timestampText(v as DuckDBTimestampValue),
    [DuckDBTypeId.LIST]: (v, t, c) => arrayFromListValue(v, t, c),
    [DuckDBTypeId.ARRAY]: (v, t, c) => arrayFromArrayValue(v, t, c),
    [DuckDBTypeId.STRUCT]: (v, t, c) => objectFromStructValue(v, t, c),
    [DuckDBTypeId.UNION]: (v, t, c) => objectFromUnionValue(v, t, c),
    [DuckDBTypeId.MAP]: (v, t, c) => mapObject(v, t, c),
    [DuckDBTypeId.DATE]: (v) => dateText(v as DuckDBDateValue),
    [DuckDBTypeId.SQLNULL]: () => null,
    ...Object.fromEntries(
      [
        DuckDBTypeId.VARCHAR,
        DuckDBTypeId.TIME,
        DuckDBTypeId.TIME_TZ,
        DuckDBTypeId.TIME_NS,
        DuckDBTypeId.INTERVAL,
        DuckDBTypeId.BLOB,
        DuckDBTypeId.UUID,
        DuckDBTypeId.ENUM,
        DuckDBTypeId.BIT,
        DuckDBTypeId.BIGNUM,
        DuckDBTypeId.TIMESTAMP_S,
        DuckDBTypeId.TIMESTAMP_MS,
        DuckDBTypeId.TIMESTAMP_NS,
        DuckDBTypeId.VARIANT,
        DuckDBTypeId.GEOMETRY,
      ].map((id) => [id, (v: DuckDBValue) => String(v)]),
    ),
  };
}

/** Serialises a {@link JsonReady} value; bigints become exact number literals. */
export function stringifyJson(value: JsonReady): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    default:
      if (Array.isArray(value)) return `[${value.map(stringifyJson).join(',')}]`;
      return `{${Object.entries(value)
        .map(([k, v]) => `${JSON.stringify(k)}:${stringifyJson(v)}`)
        .join(',')}}`;
  }
}

/** Formats a TIMESTAMPTZ in UTC with microsecond precision: `2024-01-02 03:04:05.123456+00`. */
function timestampTzText(value: DuckDBTimestampTZValue, separator: ' ' | 'T'): string {
  if (!value.isFinite) return String(value);
  const micros = value.micros;
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(millis)).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const fraction = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const base = iso.slice(0, 19).replace('T', separator);
  const frac = fraction === 0n ? '' : `.${fraction.toString().padStart(6, '0').replace(/0+$/, '')}`;
  return separator === 'T' ? `${base}${frac}Z` : `${base}${frac}+00`;
}

function timestampText(value: DuckDBTimestampValue): string {
  return value.isFinite ? String(value).replace(' ', 'T') : String(value);
}

function finiteOrText(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function mapObject(
  value: DuckDBValue,
  type: DuckDBType,
  converter: DuckDBValueConverter<JsonReady>,
): { [key: string]: JsonReady } {
  const entries = (value as { entries: { key: DuckDBValue; value: DuckDBValue }[] }).entries;
  const mapType = type as unknown as { keyType: DuckDBType; valueType: DuckDBType };
  const result: { [key: string]: JsonReady } = {};
  for (const entry of entries) {
    const key = converter(entry.key, mapType.keyType, converter);
    result[typeof key === 'string' ? key : stringifyJson(key)] = converter(
      entry.value,
      mapType.valueType,
      converter,
    );
  }
  return result;
}
