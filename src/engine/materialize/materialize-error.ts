/**
 * A model could not be built for a reason the runner detected itself (duplicate unique keys,
 * schema change); the message says what to do. DuckDB's own errors are reported as they are.
 */
export class MaterializeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MaterializeError';
  }
}
