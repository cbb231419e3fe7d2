/**
 * SQL quoting: the only two ways a name or a value may enter generated SQL.
 *
 * @example
 * `select * from ${quoteIdentifier('my table')} where id = ${quoteLiteral("o'brien")}`
 */

/** Quotes an identifier for DuckDB: `my "table"` → `"my ""table"""`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB: `o'brien` → `'o''brien'`. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes a possibly qualified name (`schema.table`) part by part. */
export function quoteQualified(...parts: string[]): string {
  return parts.map(quoteIdentifier).join('.');
}
