import pc from 'picocolors';

/**
 * The one module that writes to the terminal. Everything the project prints goes through here,
 * so colours honour `NO_COLOR` (and `FORCE_COLOR`) in one place and tests can capture output.
 */
export interface ConsoleSink {
  out(text: string): void;
  err(text: string): void;
}

const processSink: ConsoleSink = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

let sink: ConsoleSink = processSink;

/** Replaces the output sink (tests); returns a function that restores the previous one. */
export function setConsoleSink(next: ConsoleSink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

/** Colour helpers; plain text when `NO_COLOR` is set or stdout is not a terminal. */
export const colors = pc.createColors(pc.isColorSupported && !process.env['NO_COLOR']);

/** Prints a line on stdout (results, summaries). */
export function printLine(text = ''): void {
  sink.out(`${text}\n`);
}

/** Prints an informational line on stderr (progress, notices), so stdout stays machine-readable. */
export function printInfo(text: string): void {
  sink.err(`${text}\n`);
}

/** Prints a warning on stderr. */
export function printWarning(text: string): void {
  sink.err(`${colors.yellow('warning:')} ${text}\n`);
}

/** Prints an error on stderr: a message for a person, never a stack trace. */
export function printError(text: string): void {
  sink.err(`${colors.red('error:')} ${text}\n`);
}

/** Writes `text` on stderr as it is, without a newline: a progress bar's redraws and cursor moves. */
export function writeProgress(text: string): void {
  sink.err(text);
}

/** True when stderr is an interactive terminal (progress bars are drawn only then). */
export function isInteractive(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env['CI'];
}
