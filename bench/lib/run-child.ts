import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchTask, RunMeasurement, TaskOutcome } from './bench-task.js';

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHILD_ENTRY = join(BENCH_DIR, 'child.ts');
const STDERR_TAIL = 4000;
// Resolved once, so the child finds tsx whatever its working directory.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A benchmark job that failed in its child process; the message names the job and the cause. */
export class BenchJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchJobError';
  }
}

/**
 * Runs one job in a fresh Node process (`node --import tsx bench/child.ts`) and returns its
 * measurement. The child's stdout is discarded (the runner's own progress output); the tail of its
 * stderr is kept for the error message when it fails.
 */
export async function runChild(task: BenchTask): Promise<RunMeasurement> {
  const taskPath = `${task.resultPath}.task.json`;
  writeFileSync(taskPath, JSON.stringify(task));
  rmSync(task.resultPath, { force: true });
  try {
    const { code, stderr } = await spawnChild(taskPath, task.projectDir);
    if (!existsSync(task.resultPath)) {
      throw new BenchJobError(
        `bench job ${task.job} died (exit code ${code}) before writing a result:\n${stderr}`,
      );
    }
    const outcome = JSON.parse(readFileSync(task.resultPath, 'utf8')) as TaskOutcome;
    if (!outcome.ok)
      throw new BenchJobError(`bench job ${task.job} failed on ${task.dbPath}: ${outcome.error}`);
    return outcome.run;
  } finally {
    rmSync(taskPath, { force: true });
    rmSync(task.resultPath, { force: true });
  }
}

function spawnChild(
  taskPath: string,
  cwd: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD_ENTRY, taskPath], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_TAIL);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stderr }));
  });
}
