import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../src/base/files/repository-root.js';
import { $, type ProcessOutput, type ProcessPromise } from 'zx';

/** The root of this repository: where the scripts run and whose project they build. */
export const REPO_ROOT = REPOSITORY_ROOT;

/** An output line of a running script, stamped with `Date.now()` when it arrived. */
export interface TimedLine {
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** A script of `scripts/` running as one node process (its pid is the process that does the work). */
export interface RepoScript {
  readonly pid: number;
  /** When it was started (`Date.now()`). */
  readonly startedAt: number;
  /** Its output lines so far, in arrival order. */
  readonly lines: TimedLine[];
  /** Settles when it exits, whatever its exit code. */
  readonly done: Promise<ProcessOutput>;
  /** Sends `signal` to its pid, if it still runs. */
  signal(signal: NodeJS.Signals): void;
}

/** The scripts started here that have not exited: what {@link stopRepoScripts} signals. */
const running = new Set<RepoScript>();

/** Sends `signal` to every script started here that still runs (on an interrupt, before cleaning up). */
export function stopRepoScripts(signal: NodeJS.Signals): void {
  for (const script of running) script.signal(signal);
}

/** How to run a script: extra environment, and a callback for each line as it arrives. */
export interface RepoScriptOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly onLine?: (line: TimedLine) => void;
}

/**
 * Starts `scripts/<name>.ts` as `node --import tsx`, without npm or a tsx wrapper in between, so
 * that its pid is the process holding the warehouse (for `/proc/PID/status` and for signals).
 */
export function startRepoScript(
  name: string,
  args: readonly string[],
  options: RepoScriptOptions = {},
): RepoScript {
  const startedAt = Date.now();
  const child: ProcessPromise = $({
    cwd: REPO_ROOT,
    prefix: 'exec ',
    quiet: true,
    nothrow: true,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
  })`${process.execPath} --import tsx ${join('scripts', `${name}.ts`)} ${args}`;
  const lines: TimedLine[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream] }).on('line', (text) => {
      const line: TimedLine = { at: Date.now(), stream, text };
      lines.push(line);
      options.onLine?.(line);
    });
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start scripts/${name}.ts`);
  const script: RepoScript = {
    pid,
    startedAt,
    lines,
    done: child.then((output) => {
      running.delete(script);
      return output;
    }),
    signal(signal) {
      if (child.stage === 'running') process.kill(pid, signal);
    },
  };
  running.add(script);
  return script;
}

/** The shell form of a script's command, as a user would type it: `npm run NAME -- ARGS`. */
export function npmCommand(name: string, args: readonly string[]): string {
  const quoted = args.map((arg) =>
    /^[\w./:=,@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`,
  );
  return ['npm run', name, ...(args.length > 0 ? ['--', ...quoted] : [])].join(' ');
}
