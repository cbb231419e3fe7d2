import { setConsoleSink } from '../../src/base/console/console.js';

/** Everything printed through the console module since {@link captureConsole}, until `restore()`. */
export interface CapturedConsole {
  /** What went to stdout; a test may set it to '' to see only what follows. */
  out: string;
  /** What went to stderr; settable as `out` is. */
  err: string;
  /** Both, in the order printed. */
  readonly all: string;
  /** Gives the console back to the sink it had before. */
  restore(): void;
}

/** Captures the console module's output (stdout and stderr apart) until `restore()`. */
export function captureConsole(): CapturedConsole {
  let out = '';
  let err = '';
  let all = '';
  const restore = setConsoleSink({
    out: (text) => void ((out += text), (all += text)),
    err: (text) => void ((err += text), (all += text)),
  });
  return {
    get out() {
      return out;
    },
    set out(text) {
      out = text;
    },
    get err() {
      return err;
    },
    set err(text) {
      err = text;
    },
    get all() {
      return all;
    },
    restore,
  };
}
