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
