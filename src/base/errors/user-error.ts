/**
 * An error caused by the user's input (flags, files, project), reported as a plain message with
 * no stack trace. `exitCode` 2 means an invalid invocation or project; 1 a failed run.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserError';
  }
}
