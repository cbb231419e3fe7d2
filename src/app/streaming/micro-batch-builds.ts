import { printInfo, printLine, printWarning } from '../../base/console/console.js';
import type { Warehouse } from '../../base/warehouse/open-warehouse.js';
import { ProjectCache, type CachedBuildOptions } from '../../engine/runner/project-cache.js';
import { build } from '../../engine/runner/run-project.js';

/** When the consumer runs the incremental build between batches. */
export interface BuildTrigger {
  /** The dbt-style project to build (the folder holding `dbt_project.yml`). */
  readonly projectDir: string;
  /** `--target` and `--profiles-dir`: the profile target the build renders for (`target.schema`). */
  readonly target?: string;
  readonly profilesDir?: string;
  /** Build once this many seconds passed since the last build, if anything landed. */
  readonly everySeconds?: number;
  /** Build once this many messages landed since the last build. */
  readonly afterMessages?: number;
  /**
   * Run a complete build (every model, seed and data test) at most this many seconds after the
   * last one, whenever micro-batch builds left checks owed. Default {@link DEFAULT_COMPLETE_EVERY}.
   */
  readonly completeEverySeconds?: number;
  /**
   * The consumer stops once nothing landed for this long (`--until-idle`): a build after such a
   * pause is complete, so that the run ends on a complete build. Default: never idle.
   */
  readonly idleSeconds?: number;
}

/** Seconds between complete builds while micro-batch builds run. */
export const DEFAULT_COMPLETE_EVERY = 60;

/**
 * What a micro-batch build runs: the Bronze and Silver models, which read only the rows landed
 * since their last build, without their data tests. A complete build runs the rest: the Gold and
 * audit tables (rebuilt whole, so their cost grows with history) and the data tests; the tests that
 * check only new rows (`new_rows_by`) then check every row added since their last check, so
 * deferring them skips no row.
 */
const MICRO_BATCH_SELECTION: Pick<CachedBuildOptions, 'select' | 'indirectSelection'> = {
  select: ['tag:bronze', 'tag:silver'],
  indirectSelection: 'empty',
};

/** The options of a consumer's build: `complete` runs every node, else {@link MICRO_BATCH_SELECTION}. */
export function microBatchBuildOptions(
  trigger: Pick<BuildTrigger, 'projectDir' | 'target' | 'profilesDir'>,
  warehouse: Warehouse,
  projectCache: ProjectCache,
  complete: boolean,
): CachedBuildOptions {
  return {
    projectDir: trigger.projectDir,
    target: trigger.target,
    profilesDir: trigger.profilesDir,
    warehouse,
    projectCache,
    print: false,
    ...(complete ? {} : MICRO_BATCH_SELECTION),
  };
}

/**
 * Micro-batch builds, like a streaming trigger: the consumer asks `due()` after every batch and,
 * when it says so, runs the same typed `build()` the CLI runs on the warehouse it holds open (one
 * writer, between batches). Fetching pauses meanwhile: the broker buffers. A failed build is reported and
 * tried again at the next trigger while landing goes on.
 *
 * A micro-batch build brings Bronze and Silver up to date and leaves Gold, the audit models and
 * the data tests to a complete build, which runs first in a run, at most `completeEverySeconds`
 * after the last one when checks are owed, and after the stream was idle for `idleSeconds`, so
 * that `--until-idle` ends on one. The parsed project is kept between builds while its files are
 * unchanged.
 */
export class MicroBatchBuilds {
  /** Messages landed since the last build attempt: what the `afterMessages` trigger counts. */
  private landedSince = 0;
  /** Messages a failed build left unbuilt. */
  private unbuilt = 0;
  /**
   * Whether the models may be behind what is landed before this run: a consumer killed after a
   * commit and before its build leaves that work to the next one, so a run builds at its first check.
   */
  private behind = true;
  /** Whether a micro-batch build ran since the last complete build (its checks are owed). */
  private checksOwed = false;
  private lastBuild = Date.now();
  private lastComplete = Date.now();
  private lastLanded = Date.now();
  private failures = 0;
  private readonly projectCache = new ProjectCache();

  constructor(
    private readonly trigger: BuildTrigger,
    private readonly warehouse: Warehouse,
  ) {}

  /** Counts messages landed since the last build. */
  landed(messages: number): void {
    this.landedSince += messages;
    this.lastLanded = Date.now();
  }

  /** True when a build should run now. */
  due(): boolean {
    if (this.behind || this.completeDue()) return true;
    if (!this.pending) return false;
    const { everySeconds, afterMessages } = this.trigger;
    if (afterMessages !== undefined && this.landedSince >= afterMessages) return true;
    return everySeconds !== undefined && Date.now() - this.lastBuild >= everySeconds * 1000;
  }

  /** True when something landed that no build has seen yet, or a complete build is owed. */
  get pending(): boolean {
    return this.behind || this.checksOwed || this.landedSince > 0 || this.unbuilt > 0;
  }

  /** Runs the build; returns whether it succeeded. */
  async run(): Promise<boolean> {
    const started = performance.now();
    const messages = this.landedSince + this.unbuilt;
    const complete = this.behind || this.completeDue() || this.idle();
    const what = complete ? 'complete build' : 'micro-batch build';
    printInfo(`building ${messages.toLocaleString('en-US')} new message(s) (${what})...`);
    this.landedSince = 0;
    this.unbuilt = 0;
    this.behind = false;
    this.lastBuild = Date.now();
    if (complete) this.lastComplete = this.lastBuild;
    try {
      const options = microBatchBuildOptions(
        this.trigger,
        this.warehouse,
        this.projectCache,
        complete,
      );
      const result = await build(options);
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (result.success) {
        this.failures = 0;
        this.checksOwed = !complete;
        printLine(
          `build  ${messages.toLocaleString('en-US')} new message(s)  ${seconds} s  ${what}`,
        );
        return true;
      }
      const failed = result.results.filter((r) => r.status === 'error' || r.status === 'fail');
      this.fail(messages, `${failed.map((r) => `${r.name} (${r.status})`).join(', ')}`);
    } catch (error) {
      this.fail(messages, error instanceof Error ? error.message : String(error));
    }
    return false;
  }

  /** True when micro-batch builds left checks owed for `completeEverySeconds`. */
  private completeDue(): boolean {
    const every = this.trigger.completeEverySeconds ?? DEFAULT_COMPLETE_EVERY;
    return this.checksOwed && Date.now() - this.lastComplete >= every * 1000;
  }

  /** True when nothing landed for `idleSeconds`: the consumer may stop after this build. */
  private idle(): boolean {
    const { idleSeconds } = this.trigger;
    return idleSeconds !== undefined && Date.now() - this.lastLanded >= idleSeconds * 1000;
  }

  private fail(messages: number, why: string): void {
    this.failures++;
    // What it did not build is still new: the next trigger builds it.
    this.unbuilt += messages;
    // A failed build may have left any model behind: the next one runs everything.
    this.checksOwed = true;
    printWarning(
      `build failed (${this.failures} in a row), tried again at the next trigger: ${why}`,
    );
  }
}
