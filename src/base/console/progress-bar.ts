import cliProgress from 'cli-progress';
import { isInteractive, writeProgress } from './console.js';

/** A progress bar, or nothing to draw: `listener` is undefined when no bar is shown. */
export interface ProgressBar {
  /** Receives progress as items done out of the total; draws on the first call. */
  readonly listener?: (done: number, total: number) => void;
  /** Ends the bar, its last state left on screen; safe to call twice, or when it never started. */
  stop(): void;
}

/**
 * A bar on stderr, through the console module (so that tests capture it), labelled `label` and
 * counting `unit`. Drawn only on an interactive terminal unless `interactive` says otherwise: a
 * log or a pipe gets the command's summary line and no redraws.
 */
export function progressBar(
  label: string,
  options: { readonly unit?: string; readonly interactive?: boolean } = {},
): ProgressBar {
  if (!(options.interactive ?? isInteractive())) return { stop: () => {} };
  const stream = {
    isTTY: true,
    columns: process.stderr.columns,
    write: (text: string): boolean => {
      writeProgress(text);
      return true;
    },
  };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total} ${options.unit ?? 'messages'}`,
      stream: stream as unknown as NodeJS.WriteStream,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    listener: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}
