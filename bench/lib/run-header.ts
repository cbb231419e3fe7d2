import type { RunHeader } from './bench-result.js';
import { machineInfo } from './machine-info.js';
import { SCALES, type ScaleName } from './scales.js';

/** The header of a results file, dated now, for a run at `scale` with these settings. */
export async function runHeader(run: {
  readonly scale: ScaleName;
  readonly seed: number;
  readonly repeat: number;
  readonly memoryLimit?: string | undefined;
  readonly threads?: number | undefined;
}): Promise<RunHeader> {
  return {
    scale: run.scale,
    messages: SCALES[run.scale].messages,
    seed: run.seed,
    repeat: run.repeat,
    date: new Date().toISOString(),
    machine: await machineInfo(),
    settings: { memoryLimit: run.memoryLimit ?? null, threads: run.threads ?? null },
  };
}
