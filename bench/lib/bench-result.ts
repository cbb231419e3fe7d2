import type { ScaleName } from './scales.js';
import type { StrategyName } from './bench-task.js';

/** The machine a result was measured on. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemoryBytes: number;
  readonly platform: string;
  readonly node: string;
  readonly duckdb: string;
}

/** One strategy at one scale: medians over the repeats. */
export interface StrategyResult {
  readonly name: StrategyName;
  readonly description: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
  /** Median seconds over the repeats (the measured work only). */
  readonly seconds: number;
  /** Seconds of each repeat, in run order. */
  readonly runs: readonly number[];
  /** `recordsIn / seconds`. */
  readonly rowsPerSecond: number;
  /** Largest max RSS of the child processes over the repeats, in bytes. */
  readonly peakMemoryBytes: number;
  /** Median warehouse growth (file + WAL after a CHECKPOINT, minus before), in bytes. */
  readonly diskGrowthBytes: number;
  /** Extra numbers from the first repeat (per-model seconds, late rows...). */
  readonly details: Readonly<Record<string, number | string>>;
}

/** Counts of the data set itself, read from the fully built warehouse (for the consistency checks). */
export interface DataFacts {
  readonly landedRows: number;
  readonly distinctKeys: number;
  /** Keys none of whose copies reached Silver because every copy was late. */
  readonly allLateKeys: number;
  readonly silverRows: number;
  readonly lateRows: number;
  readonly transactions: number;
  /** Arrivals landed for the incremental run. */
  readonly incrementalRows: number;
}

/** One speed target, judged at the scale it applies to (`passed` is null elsewhere). */
export interface TargetResult {
  readonly id: string;
  readonly description: string;
  readonly appliesAt: ScaleName;
  readonly measured: string;
  readonly passed: boolean | null;
}

/** What every results file starts with: the scale, the run's settings and the machine. */
export interface RunHeader {
  readonly scale: ScaleName;
  readonly messages: number;
  readonly seed: number;
  readonly repeat: number;
  /** ISO timestamp of the end of the run. */
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: { readonly memoryLimit: string | null; readonly threads: number | null };
}

/** What `npm run bench` writes to `bench/results/<scale>.json`. */
export interface BenchResult extends RunHeader {
  readonly strategies: readonly StrategyResult[];
  readonly facts: DataFacts;
  /** `naive / build` seconds (≥ 1.5 is the target) and `incremental / build` seconds (< 0.1). */
  readonly ratios: {
    readonly naiveOverBuild: number | null;
    readonly incrementalOverBuild: number | null;
  };
  readonly targets: readonly TargetResult[];
}
