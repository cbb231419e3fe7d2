/** A SQL statement failed; the message is DuckDB's (with its `LINE 1: … ^` marker) plus context. */
export class SqlError extends Error {
  constructor(
    message: string,
    /** True when the statement failed because the warehouse is open read-only. */
    readonly readOnly: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SqlError';
  }
}

/** Translates a DuckDB error into a {@link SqlError} with a message a user can act on. */
export function toSqlError(cause: unknown): SqlError {
  // DuckDB prefixes parser errors with how it met them; the parser's own message is what helps.
  const message = (cause instanceof Error ? cause.message : String(cause)).replace(
    /^Failed to extract statements: /,
    '',
  );
  if (/read-only mode|read-only database|attached in read-only/i.test(message)) {
    return new SqlError(
      `the warehouse is opened read-only; pass --write to modify it.\n${message}`,
      true,
      { cause },
    );
  }
  return new SqlError(message, false, { cause });
}
