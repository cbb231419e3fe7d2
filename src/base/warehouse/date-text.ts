import type { DuckDBDateValue } from '@duckdb/node-api';

/** A DATE as `'YYYY-MM-DD'`; DuckDB's infinite dates as `'infinity'` and `'-infinity'`. */
export function dateText(value: DuckDBDateValue): string {
  if (value.isFinite) return String(value);
  return value.days > 0 ? 'infinity' : '-infinity';
}
