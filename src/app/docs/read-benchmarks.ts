import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocsBenchmark } from './site/docs-data.js';

/** The scales `npm run bench` writes, smallest first. */
const SCALES = ['small', 'medium', 'large', 'xlarge'];

interface BenchResultFile {
  readonly scale: string;
  readonly messages: number;
  readonly date: string;
  readonly machine: {
    cpus: number;
    cpuModel?: string;
    platform?: string;
    totalMemoryBytes?: number;
  };
  readonly strategies: readonly { name: string; description: string; seconds: number }[];
}

/**
 * The benchmark results kept in the project's `bench/results/<scale>.json`, for the dashboard's
 * charts; none when the project has no benchmarks. A file of another shape is left out.
 */
export function readBenchmarks(projectDir: string): DocsBenchmark[] {
  const benchmarks: DocsBenchmark[] = [];
  for (const scale of SCALES) {
    const path = join(projectDir, 'bench', 'results', `${scale}.json`);
    if (!existsSync(path)) continue;
    let file: BenchResultFile;
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as BenchResultFile;
    } catch {
      continue;
    }
    if (!Array.isArray(file.strategies) || typeof file.messages !== 'number') continue;
    const memory = file.machine.totalMemoryBytes
      ? `, ${Math.round(file.machine.totalMemoryBytes / 2 ** 30)} GiB`
      : '';
    benchmarks.push({
      scale: file.scale,
      messages: file.messages,
      date: file.date,
      machine: `${file.machine.cpus} cores, ${file.machine.cpuModel ?? 'unknown CPU'}${memory}`,
      strategies: file.strategies.map((strategy) => ({
        name: strategy.name,
        description: strategy.description,
        seconds: strategy.seconds,
      })),
    });
  }
  return benchmarks;
}
