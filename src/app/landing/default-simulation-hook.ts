import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPOSITORY_ROOT } from '../../base/files/repository-root.js';
import { printLine } from '../../base/console/console.js';
import type { Warehouse } from '../../base/warehouse/open-warehouse.js';
import { formatSimulationSummary } from './format-simulation-summary.js';
import { landDefaultSimulationIfEmpty } from './land-default-simulation.js';

/** The root of this repository: the project whose quickstart lands a default simulated batch. */
export { REPOSITORY_ROOT };

function canonical(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

/**
 * The `beforeBuild` hook of `npm run build-models` for this repository's own project: on an empty
 * warehouse it lands the default simulated batch (medium, seed 42) and says so, so that the
 * quickstart shows the whole pipeline. Returns `undefined` for any other project (`--project-dir`),
 * which must never get simulated data.
 */
export function defaultSimulationHook(
  projectDir: string,
  repositoryRoot: string = REPOSITORY_ROOT,
): ((warehouse: Warehouse) => Promise<void>) | undefined {
  if (canonical(projectDir) !== canonical(repositoryRoot)) return undefined;
  return async (warehouse) => {
    const { landed, summary } = await landDefaultSimulationIfEmpty(warehouse);
    if (landed && summary) {
      printLine(
        `The warehouse held no landed messages: landed the default simulated batch (medium, seed 42) first. ` +
          `Use \`npm run load\` or \`npm run simulate\` to land your own.`,
      );
      printLine(formatSimulationSummary(summary, warehouse.path));
    }
  };
}
