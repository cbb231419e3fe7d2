/**
 * The one way tests run `scripts/<name>.ts` and the `bench/` CLIs: as ONE node process (`node
 * --import tsx`, no npx or tsx wrapper in between), so that a signal such as SIGKILL hits the
 * process holding the warehouse.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root.js';

export interface ScriptResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A script started by {@link startScript}. */
export interface RunningScript {
  readonly child: ChildProcess;
  /** Complete output lines seen so far (stdout and stderr, in arrival order). */
  readonly lines: string[];
  readonly done: Promise<ScriptResult>;
}

/** Options of {@link startScript}: file permissions enforced for root, and extra environment variables. */
export interface ScriptOptions {
  /**
   * Run without the capabilities that let root read and write any file (`setpriv` drops them
   * from the bounding set), so that a root test run meets a file's mode as any user would. The
   * process stays root, so a checkout that only root may enter still runs.
   */
  readonly enforceFileModes?: boolean;
  /** Added to the child's environment (e.g. `TMPDIR`, to give it a temporary folder of its own). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts `scripts/<script>.ts`, or `<script>.ts` when `script` holds a `/` (`bench/run`), in the
 * repository root with colours off, no WAREHOUSE_PATH from the environment, one DuckDB thread (two
 * test files run at once on two cores) and no stdin.
 */
export function startScript(
  script: string,
  args: readonly string[],
  options: ScriptOptions = {},
): RunningScript {
  const command = [
    process.execPath,
    '--import',
    'tsx',
    join(REPO_ROOT, script.includes('/') ? '' : 'scripts', `${script}.ts`),
    ...args,
  ];
  const argv = options.enforceFileModes
    ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--', ...command]
    : command;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      WAREHOUSE_PATH: '',
      DUCKDB_THREADS: '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  const collect = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = chunk.toString();
      if (stream === 'stdout') stdout += text;
      else stderr += text;
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    };
  };
  child.stdout!.on('data', collect('stdout'));
  child.stderr!.on('data', collect('stderr'));
  const done = new Promise<ScriptResult>((resolveDone, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolveDone({ code, signal, stdout, stderr }));
  });
  return { child, lines, done };
}

/** Runs a script to its end; see {@link startScript}. */
export function runScript(
  script: string,
  args: readonly string[],
  options: ScriptOptions = {},
): Promise<ScriptResult> {
  return startScript(script, args, options).done;
}
