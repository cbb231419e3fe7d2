import { CommanderError } from 'commander';
import { printError } from '../../base/console/console.js';
import { WarehouseError } from '../../base/warehouse/warehouse-error.js';
import { UserError } from '../../base/errors/user-error.js';

/**
 * Runs a CLI entry point and turns its outcome into an exit code. This is the only place that
 * calls `process.exit`. `main` returns the exit code; user mistakes (UserError, WarehouseError,
 * commander's parse errors) print one clear message; anything else is a bug and prints its stack.
 */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => process.exit(reportFailure(error)),
  );
}

/** Prints an error the way the CLI does and returns the exit code it maps to. */
export function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message; help and version are not failures.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UserError) {
    printError(error.message);
    return error.exitCode;
  }
  if (error instanceof WarehouseError) {
    printError(error.message);
    return error.reason === 'busy' || error.reason === 'missing' ? 2 : 1;
  }
  printError(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
}
