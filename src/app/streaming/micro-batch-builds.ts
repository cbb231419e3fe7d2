import { printInfo, printLine, printWarning } from '../../base/console/console.js';
import type { Warehouse } from '../../base/warehouse/open-warehouse.js';
import { build } from '../../engine/runner/run-project.js';

/** When the consumer runs the incremental build between batches. */
export interface BuildTrigger {
  /** The dbt-style project to build (the folder holding `dbt_project.yml`). */
  readonly projectDir: string;
  /** Build once this many seconds passed since the last build, if anything landed. */
  readonly everySeconds?: number;
  /** Build once this many messages landed since the last build. */
  readonly afterMessages?: number;
}

/**
 * Micro-batch builds, like a streaming trigger: the consumer asks `due()` after every batch and,
 * when it says so, runs the same typed `build()` the CLI runs on the warehouse it holds open (one
 * writer, between batches). Fetching pauses meanwhile: the broker buffers. A failed build is reported and
 * tried again at the next trigger while landing goes on.
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
  private lastBuild = Date.now();
  private failures = 0;

  constructor(
    private readonly trigger: BuildTrigger,
    private readonly warehouse: Warehouse,
  ) {}

  /** Counts messages landed since the last build. */
  landed(messages: number): void {
    this.landedSince += messages;
  }

  /** True when a build should run now. */
  due(): boolean {
    if (this.behind) return true;
    if (!this.pending) return false;
    const { everySeconds, afterMessages } = this.trigger;
    if (afterMessages !== undefined && this.landedSince >= afterMessages) return true;
    return everySeconds !== undefined && Date.now() - this.lastBuild >= everySeconds * 1000;
  }

  /** True when something landed that no build has seen yet. */
  get pending(): boolean {
    return this.behind || this.landedSince > 0 || this.unbuilt > 0;
  }

  /** Runs the build; returns whether it succeeded. */
  async run(): Promise<boolean> {
    const started = performance.now();
    const messages = this.landedSince + this.unbuilt;
    printInfo(`building ${messages.toLocaleString('en-US')} new message(s)...`);
    this.landedSince = 0;
    this.unbuilt = 0;
    this.behind = false;
    this.lastBuild = Date.now();
    try {
      const result = await build({
        projectDir: this.trigger.projectDir,
        warehouse: this.warehouse,
        print: false,
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (result.success) {
        this.failures = 0;
        printLine(`build  ${messages.toLocaleString('en-US')} new message(s)  ${seconds} s`);
        return true;
      }
      const failed = result.results.filter((r) => r.status === 'error' || r.status === 'fail');
      this.fail(messages, `${failed.map((r) => `${r.name} (${r.status})`).join(', ')}`);
    } catch (error) {
      this.fail(messages, error instanceof Error ? error.message : String(error));
    }
    return false;
  }

  private fail(messages: number, why: string): void {
    this.failures++;
    // What it did not build is still new: the next trigger builds it.
    this.unbuilt += messages;
    printWarning(
      `build failed (${this.failures} in a row), tried again at the next trigger: ${why}`,
    );
  }
}
