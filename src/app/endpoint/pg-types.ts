import { DuckDBBlobValue, DuckDBTypeId, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

/** PostgreSQL type OIDs (`pg_type.oid`) the endpoint announces in its row descriptions. */
const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  uuid: 2950,
} as const;

/** A result column as a PostgreSQL client sees it: its name, type OID and the type's byte size. */
export interface PgColumn {
  readonly name: string;
  readonly oid: number;
  /** `pg_type.typlen`: the fixed width in bytes, -1 for variable-length types. */
  readonly size: number;
}

const FIXED_SIZE: Partial<Record<number, number>> = {
  [OID.bool]: 1,
  [OID.int2]: 2,
  [OID.int4]: 4,
  [OID.int8]: 8,
  [OID.float4]: 4,
  [OID.float8]: 8,
  [OID.date]: 4,
  [OID.time]: 8,
  [OID.timestamp]: 8,
  [OID.timestamptz]: 8,
  [OID.interval]: 16,
  [OID.uuid]: 16,
};

// Unsigned and 128-bit integers do not fit PostgreSQL's signed integer types one for one: each takes
// the smallest one that holds its range, and numeric beyond int8.
const OID_BY_TYPE: Partial<Record<DuckDBTypeId, number>> = {
  [DuckDBTypeId.BOOLEAN]: OID.bool,
  [DuckDBTypeId.TINYINT]: OID.int2,
  [DuckDBTypeId.UTINYINT]: OID.int2,
  [DuckDBTypeId.SMALLINT]: OID.int2,
  [DuckDBTypeId.USMALLINT]: OID.int4,
  [DuckDBTypeId.INTEGER]: OID.int4,
  [DuckDBTypeId.UINTEGER]: OID.int8,
  [DuckDBTypeId.BIGINT]: OID.int8,
  [DuckDBTypeId.UBIGINT]: OID.numeric,
  [DuckDBTypeId.HUGEINT]: OID.numeric,
  [DuckDBTypeId.UHUGEINT]: OID.numeric,
  [DuckDBTypeId.DECIMAL]: OID.numeric,
  [DuckDBTypeId.FLOAT]: OID.float4,
  [DuckDBTypeId.DOUBLE]: OID.float8,
  [DuckDBTypeId.VARCHAR]: OID.text,
  [DuckDBTypeId.BLOB]: OID.bytea,
  [DuckDBTypeId.DATE]: OID.date,
  [DuckDBTypeId.TIME]: OID.time,
  [DuckDBTypeId.TIMESTAMP]: OID.timestamp,
  [DuckDBTypeId.TIMESTAMP_S]: OID.timestamp,
  [DuckDBTypeId.TIMESTAMP_MS]: OID.timestamp,
  [DuckDBTypeId.TIMESTAMP_NS]: OID.timestamp,
  [DuckDBTypeId.TIMESTAMP_TZ]: OID.timestamptz,
  [DuckDBTypeId.INTERVAL]: OID.interval,
  [DuckDBTypeId.UUID]: OID.uuid,
};

/**
 * The PostgreSQL type of a DuckDB column: integers, floats, numeric, bool, date, time, timestamp(tz),
 * interval, uuid, bytea and json map to their PostgreSQL namesakes; nested and other types (LIST,
 * STRUCT, MAP, ENUM, …) are sent as `text` in DuckDB's own text form.
 */
export function pgColumn(name: string, type: DuckDBType): PgColumn {
  const oid = type.alias === 'JSON' ? OID.json : (OID_BY_TYPE[type.typeId] ?? OID.text);
  return { name, oid, size: FIXED_SIZE[oid] ?? -1 };
}

/**
 * A value in PostgreSQL's text format, `null` for SQL NULL. DuckDB's text form already is
 * PostgreSQL's for numbers, dates, timestamps (timestamptz in UTC, `+00`), intervals and uuids;
 * booleans become `t`/`f` and blobs PostgreSQL's hex form (`\x0aff`).
 */
export function pgText(value: DuckDBValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof DuckDBBlobValue) return `\\x${Buffer.from(value.bytes).toString('hex')}`;
  return String(value);
}
