import {
  DuckDBDateValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  arrayFromArrayValue,
  arrayFromListValue,
  bigintFromBigIntValue,
  blobValue,
  booleanFromValue,
  bytesFromBlobValue,
  createDuckDBValueConverter,
  listValue,
  nullConverter,
  numberFromValue,
  objectFromStructValue,
  objectFromUnionValue,
  objectArrayFromMapValue,
  stringFromValue,
  structValue,
  timestampTZValue,
  BIGINT,
  BLOB,
  DuckDBListType,
  DuckDBStructType,
  BOOLEAN,
  DOUBLE,
  HUGEINT,
  INTEGER,
  LIST,
  STRUCT,
  TIMESTAMPTZ,
  VARCHAR,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBValueConverter,
} from '@duckdb/node-api';
import { dateText } from '../../../base/warehouse/date-text.js';

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
 * | DATE                                    | `string` `'YYYY-MM-DD'`, `'infinity'`|
 * | TIMESTAMPTZ, TIMESTAMP (any precision)  | `Date` (millis; micros cut down)    |
 * | … `infinity`, `-infinity`               | `Infinity`, `-Infinity` (numbers)   |
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
    [DuckDBTypeId.DATE]: (v) => dateText(v as DuckDBDateValue),
    [DuckDBTypeId.TIMESTAMP_TZ]: (v) => timestampDate(v as DuckDBTimestampTZValue),
    [DuckDBTypeId.TIMESTAMP]: (v) => timestampDate(v as DuckDBTimestampValue),
    [DuckDBTypeId.TIMESTAMP_S]: (v) => timestampDate(v as DuckDBTimestampSecondsValue),
    [DuckDBTypeId.TIMESTAMP_MS]: (v) => timestampDate(v as DuckDBTimestampMillisecondsValue),
    [DuckDBTypeId.TIMESTAMP_NS]: (v) => timestampDate(v as DuckDBTimestampNanosecondsValue),
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

const MAX_DATE_MILLIS = 8_640_000_000_000_000n; // what a JS Date can hold, either side of 1970

/**
 * A timestamp of any precision as a `Date`, cut to the millisecond *downwards* (so
 * `1969-12-31 23:59:59.9995` stays in 1969: the DuckDB API's own converters round towards
 * 1970); DuckDB's `infinity` and `-infinity` as `Infinity` and `-Infinity`, as node-postgres
 * does. A finite timestamp beyond what a `Date` holds is an error naming it.
 */
function timestampDate(
  value:
    | DuckDBTimestampTZValue
    | DuckDBTimestampValue
    | DuckDBTimestampSecondsValue
    | DuckDBTimestampMillisecondsValue
    | DuckDBTimestampNanosecondsValue,
): Date | number {
  if (!value.isFinite) return String(value).startsWith('-') ? -Infinity : Infinity;
  const millis =
    value instanceof DuckDBTimestampSecondsValue
      ? value.seconds * 1000n
      : value instanceof DuckDBTimestampMillisecondsValue
        ? value.millis
        : value instanceof DuckDBTimestampNanosecondsValue
          ? floorDiv(value.nanos, 1_000_000n)
          : floorDiv(value.micros, 1000n);
  if (millis > MAX_DATE_MILLIS || millis < -MAX_DATE_MILLIS)
    throw new RangeError(`The timestamp ${String(value)} is out of range for a JavaScript Date.`);
  return new Date(Number(millis));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Converts a DuckDB value to its TypeScript form (see {@link KyselyValue} for the mapping). */
export const toKyselyValue: DuckDBValueConverter<KyselyValue> =
  createDuckDBValueConverter<KyselyValue>(
    converters() as Record<DuckDBTypeId, DuckDBValueConverter<KyselyValue> | undefined>,
  );

/**
 * Converts a query parameter from JavaScript to a DuckDB value: `Date` → TIMESTAMPTZ,
 * arrays → LIST, `Uint8Array` → BLOB, plain objects (also without a prototype) → STRUCT,
 * `undefined` → NULL; numbers, bigints, strings, booleans and null as they are (an integral
 * number → INTEGER/BIGINT, a bigint → HUGEINT; DuckDB casts them to the column's type). The
 * LIST and STRUCT types come from {@link toDuckDbParameterType}.
 */
export function toDuckDbParameter(value: unknown, type?: DuckDBType): DuckDBValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return timestampTZValue(BigInt(value.getTime()) * 1000n);
  if (value instanceof Uint8Array) return blobValue(value);
  if (Array.isArray(value)) {
    const of = type instanceof DuckDBListType ? type.valueType : undefined;
    return listValue(value.map((item) => toDuckDbParameter(item, of)));
  }
  switch (typeof value) {
    case 'number':
      // In a list unified to a wider type: [1n, 2] is HUGEINT[], [1n, 2.5] DOUBLE[].
      return type?.typeId === DuckDBTypeId.HUGEINT ? BigInt(value) : value;
    case 'bigint':
      return type?.typeId === DuckDBTypeId.DOUBLE ? Number(value) : value;
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      if (isPlainObject(value)) {
        const fields = type instanceof DuckDBStructType ? type : undefined;
        return structValue(
          Object.fromEntries(
            Object.entries(value).map(([k, v]) => [
              k,
              toDuckDbParameter(v, fields?.entryTypes[fields.indexForEntry(k)]),
            ]),
          ),
        );
      }
      return value as DuckDBValue; // a DuckDB value object (decimalValue(...), dateValue(...))
    default:
      throw new TypeError(`Cannot pass a ${typeof value} as a SQL parameter.`);
  }
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** What a parameter's value says about its DuckDB type; `null` says nothing, `opaque` too much. */
type Shape =
  | { readonly kind: 'null' }
  | { readonly kind: 'opaque' }
  | { readonly kind: 'mixed'; readonly what: string }
  | { readonly kind: 'scalar'; readonly type: DuckDBType }
  | { readonly kind: 'list'; readonly of: Shape }
  | { readonly kind: 'struct'; readonly fields: ReadonlyMap<string, Shape> };

const NULL_SHAPE: Shape = { kind: 'null' };
const OPAQUE: Shape = { kind: 'opaque' };
const NUMERIC_ORDER = ['INTEGER', 'BIGINT', 'HUGEINT'];

function shapeOf(value: unknown): Shape {
  if (value === undefined || value === null) return NULL_SHAPE;
  if (value instanceof Date) return { kind: 'scalar', type: TIMESTAMPTZ };
  if (value instanceof Uint8Array) return { kind: 'scalar', type: BLOB };
  if (Array.isArray(value))
    return { kind: 'list', of: value.map(shapeOf).reduce(unify, NULL_SHAPE) };
  switch (typeof value) {
    case 'string':
      return { kind: 'scalar', type: VARCHAR };
    case 'boolean':
      return { kind: 'scalar', type: BOOLEAN };
    case 'bigint':
      return { kind: 'scalar', type: HUGEINT };
    case 'number':
      if (!Number.isInteger(value)) return { kind: 'scalar', type: DOUBLE };
      return { kind: 'scalar', type: Math.abs(value) <= 2 ** 31 - 1 ? INTEGER : BIGINT };
    case 'object':
      if (isPlainObject(value))
        return {
          kind: 'struct',
          fields: new Map(Object.entries(value).map(([k, v]) => [k, shapeOf(v)])),
        };
      return OPAQUE;
    default:
      return OPAQUE;
  }
}

/** The shape that holds both: NULL fits anything; integers widen; DOUBLE absorbs integers. */
function unify(a: Shape, b: Shape): Shape {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (a.kind === 'mixed') return a;
  if (b.kind === 'mixed') return b;
  if (a.kind === 'scalar' && b.kind === 'scalar') {
    const [x, y] = [a.type.toString(), b.type.toString()];
    if (x === y) return a;
    const numeric = [x, y].every((t) => t === 'DOUBLE' || NUMERIC_ORDER.includes(t));
    if (!numeric) return { kind: 'mixed', what: `${x} and ${y}` };
    if (x === 'DOUBLE' || y === 'DOUBLE') return { kind: 'scalar', type: DOUBLE };
    return NUMERIC_ORDER.indexOf(x) > NUMERIC_ORDER.indexOf(y) ? a : b;
  }
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', of: unify(a.of, b.of) };
  if (a.kind === 'struct' && b.kind === 'struct') {
    const keys = [...a.fields.keys()];
    if (keys.join('\u0000') !== [...b.fields.keys()].join('\u0000'))
      return { kind: 'mixed', what: 'objects with other keys' };
    return {
      kind: 'struct',
      fields: new Map(keys.map((k) => [k, unify(a.fields.get(k)!, b.fields.get(k)!)])),
    };
  }
  if (a.kind === 'opaque' || b.kind === 'opaque') return OPAQUE;
  return {
    kind: 'mixed',
    what: `${a.kind === 'scalar' ? a.type.toString() : a.kind} and ${b.kind === 'scalar' ? b.type.toString() : b.kind}`,
  };
}

function typeOf(shape: Shape): DuckDBType | undefined {
  switch (shape.kind) {
    case 'mixed':
      throw new TypeError(
        `Cannot pass a list mixing ${shape.what} items as a SQL parameter: DuckDB lists hold one type.`,
      );
    case 'null':
      return VARCHAR; // a NULL (or an empty list) inside a LIST or STRUCT: VARCHAR casts to anything
    case 'opaque':
      return undefined;
    case 'scalar':
      return shape.type;
    case 'list': {
      const of = typeOf(shape.of);
      return of === undefined ? undefined : LIST(of);
    }
    case 'struct': {
      const entries: Record<string, DuckDBType> = {};
      for (const [key, field] of shape.fields) {
        const type = typeOf(field);
        if (type === undefined) return undefined;
        entries[key] = type;
      }
      return STRUCT(entries);
    }
  }
}

/**
 * The DuckDB type to bind a LIST or STRUCT parameter with, or `undefined` to let
 * `@duckdb/node-api` infer it (scalars). The node API infers a list's type from its first item
 * and cannot type a NULL, so `[null, 'a']`, `[]`, `{ a: null }` or `[1, 2.5]` would fail or lose
 * digits; here element and field types are unified over all items, integers widen (INTEGER →
 * BIGINT → HUGEINT, or DOUBLE with a fraction) and what only NULLs say becomes VARCHAR, which
 * DuckDB casts to the column's type. Items that cannot share a type (a string and a number)
 * throw a `TypeError`; DuckDB value objects inside leave the type to the node API.
 */
export function toDuckDbParameterType(value: unknown): DuckDBType | undefined {
  const shape = shapeOf(value);
  return shape.kind === 'list' || shape.kind === 'struct' ? typeOf(shape) : undefined;
}
