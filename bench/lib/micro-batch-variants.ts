import type { Warehouse } from '../../src/base/warehouse/open-warehouse.js';
import { microBatchBuildOptions } from '../../src/app/streaming/micro-batch-builds.js';
import { ProjectCache } from '../../src/engine/runner/project-cache.js';
import { build } from '../../src/engine/runner/run-project.js';
import type { BuildResult } from '../../src/engine/runner/runner-options.js';

/** One way of running a micro-batch's build, started for one project. */
export interface MicroBatchVariant {
  readonly name: string;
  build(warehouse: Warehouse): Promise<BuildResult>;
}

/** A way of building a micro-batch that `npm run bench:micro-batch` times against the others. */
interface VariantKind {
  readonly name: string;
  readonly what: string;
  /** Sets the variant up for `projectDir` (whatever it keeps across builds lives in it). */
  start(projectDir: string): MicroBatchVariant;
}

/** The variants timed side by side, in the order of the results table. */
export const MICRO_BATCH_VARIANTS: readonly VariantKind[] = [
  {
    name: 'build',
    what: 'build() as the CLI runs it: the project read and parsed for every build',
    start: (projectDir) => ({
      name: 'build',
      build: (warehouse) => build({ projectDir, warehouse, print: false }),
    }),
  },
  consumerVariant(
    'complete',
    true,
    "the consumer's complete build: every node, the parsed project kept across builds",
  ),
  consumerVariant(
    'micro-batch',
    false,
    "the consumer's micro-batch build: Bronze and Silver models only, the parsed project kept",
  ),
];

/** The consumer's builds (complete or micro-batch), with a project cache of their own. */
function consumerVariant(name: string, complete: boolean, what: string): VariantKind {
  return {
    name,
    what,
    start: (projectDir) => {
      const cache = new ProjectCache();
      return {
        name,
        build: (warehouse) =>
          build(microBatchBuildOptions({ projectDir }, warehouse, cache, complete)),
      };
    },
  };
}
