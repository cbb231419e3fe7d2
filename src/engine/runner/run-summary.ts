import { printError, printLine, colors } from '../../base/console/console.js';
import type { NodeResult } from '../artifacts/node-result.js';
import { clock, formatSummary, summarize } from './node-line.js';

/**
 * Prints the end of a run, as dbt does: the elapsed time, every error, failure and warning (hook
 * errors first) or `Completed successfully`, then the `Done.` line.
 */
export function printRunSummary(
  results: readonly NodeResult[],
  hookErrors: readonly string[],
  elapsedSeconds: number,
): void {
  printLine('');
  printLine(
    `${clock()}  Finished running ${results.length} node(s) in ${elapsedSeconds.toFixed(2)}s.`,
  );
  const problems = results.filter(
    (r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn',
  );
  const counts = summarize(results);
  if (problems.length > 0 || hookErrors.length > 0) {
    printLine('');
    printLine(
      counts.error + hookErrors.length > 0
        ? colors.red(
            `Completed with ${counts.error + hookErrors.length} error(s) and ${counts.warn} warning(s):`,
          )
        : colors.yellow(`Completed with ${counts.warn} warning(s):`),
    );
    for (const message of hookErrors) printError(message);
    for (const result of problems) printLine(problemLine(result));
  } else {
    printLine('');
    printLine(colors.green('Completed successfully'));
  }
  printLine('');
  printLine(formatSummary(results));
}

/** The summary's line for a node that errored, failed or warned. */
function problemLine(result: NodeResult): string {
  if (result.status === 'error') return `  ${result.message}`;
  const label = result.status === 'warn' ? 'Warning in' : 'Failure in';
  return `  ${label} test ${result.name}: ${result.message}${result.compiledPath ? `\n    compiled SQL: ${result.compiledPath}` : ''}`;
}
