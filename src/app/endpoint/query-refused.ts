/**
 * A statement the endpoint would not run or stopped: its message goes to the client as a
 * PostgreSQL ErrorResponse with `code`, the SQLSTATE a client can branch on.
 */
export class QueryRefused extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QueryRefused';
  }
}

// DuckDB names its error class at the start of the message ("Parser Error: …").
const SQLSTATE_BY_DUCKDB_ERROR: Record<string, string> = {
  Parser: '42601',
  Catalog: '42P01',
  Binder: '42703',
  Conversion: '22000',
  'Invalid Input': '22023',
  Interrupt: '57014',
};

/** A DuckDB failure as a {@link QueryRefused} carrying DuckDB's message and a fitting SQLSTATE. */
export function fromDuckDbError(cause: unknown): QueryRefused {
  if (cause instanceof QueryRefused) return cause;
  const message = (cause instanceof Error ? cause.message : String(cause)).replace(
    /^Failed to extract statements: /,
    '',
  );
  const kind = /^([A-Za-z ]+?) Error:/.exec(message)?.[1] ?? '';
  return new QueryRefused(message, SQLSTATE_BY_DUCKDB_ERROR[kind] ?? 'XX000', { cause });
}
