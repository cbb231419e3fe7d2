/** A warehouse file could not be opened; the message says why and what to do. */
export class WarehouseError extends Error {
  constructor(
    message: string,
    readonly reason: 'busy' | 'missing' | 'read-only' | 'other',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WarehouseError';
  }
}

/** The warehouse file is not there; says how to make one. */
export function missingWarehouseError(path: string, cause?: unknown): WarehouseError {
  return new WarehouseError(
    `Warehouse ${path} does not exist. Build it first with \`npm run build-models\`, or pass --db PATH.`,
    'missing',
    cause === undefined ? undefined : { cause },
  );
}
