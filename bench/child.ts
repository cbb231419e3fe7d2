// Benchmark child process: runs one job on one warehouse copy and writes its measurement as JSON.
// Each run gets its own process so that peak memory is that process's max RSS. Started by
// bench/lib/run-child.ts as `node --import tsx bench/child.ts TASK_FILE`; not a user command.
import { readFileSync, writeFileSync } from 'node:fs';
import { runCli } from '../src/app/cli/run-cli.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import type { BenchTask, TaskOutcome } from './lib/bench-task.js';
import { warehouseBytes } from './lib/warehouse-size.js';
import type { Timer } from './strategies/job.js';
import { JOBS } from './strategies/jobs.js';

async function main(): Promise<number> {
  const taskPath = process.argv[2];
  if (!taskPath) throw new Error('usage: bench/child.ts TASK_FILE');
  const task = JSON.parse(readFileSync(taskPath, 'utf8')) as BenchTask;
  let outcome: TaskOutcome;
  try {
    outcome = { ok: true, run: await measure(task) };
  } catch (error) {
    outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  writeFileSync(task.resultPath, JSON.stringify(outcome));
  return outcome.ok ? 0 : 1;
}

async function measure(task: BenchTask) {
  const job = JOBS[task.job];
  const dbBytesBefore = warehouseBytes(task.dbPath);
  let seconds = 0;
  const timer: Timer = {
    async time<T>(work: () => Promise<T>): Promise<T> {
      const start = performance.now();
      try {
        return await work();
      } finally {
        seconds += (performance.now() - start) / 1000;
      }
    },
    add(measured: number) {
      seconds += measured;
    },
  };
  const report = await job.run(
    {
      dbPath: task.dbPath,
      projectDir: task.projectDir,
      settings: task.settings,
      messages: task.messages,
      seed: task.seed,
    },
    timer,
  );
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  // Growth is measured on a checkpointed file, so a pending WAL does not count twice or not at all.
  await withWarehouse(task.dbPath, task.settings, async (warehouse) => {
    await warehouse.connection.run('checkpoint');
  });
  return {
    ...report,
    seconds,
    maxRssBytes,
    dbBytesBefore,
    dbBytesAfter: warehouseBytes(task.dbPath),
  };
}

runCli(main);
