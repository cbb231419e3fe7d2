// `--db`, `--target` and `--profiles-dir`, shared by every command that opens the warehouse: the
// same resolution as the runner's (a profile's target, else $WAREHOUSE_PATH or warehouse.duckdb).
import type { Command } from 'commander';
import { printWarning } from '../../src/base/console/console.js';
import { createProjectValueRenderer } from '../../src/engine/compile/render-project-value.js';
import { resolveTarget, type WarehouseTarget } from '../../src/engine/project/profiles.js';

export interface TargetFlags {
  db?: string;
  target?: string;
  profilesDir?: string;
  projectDir?: string;
}

export function addTargetFlags(command: Command, projectDirFlag = true): Command {
  if (projectDirFlag)
    command.option(
      '--project-dir <dir>',
      'the dbt project whose profile: names the target (default: the current folder)',
    );
  return command
    .option(
      '--db <path>',
      "DuckDB file, over the target's path (default: the profile's target, else $WAREHOUSE_PATH or ./warehouse.duckdb)",
    )
    .option('--target <name>', "the output of the project's profile to use (default: its target:)")
    .option(
      '--profiles-dir <dir>',
      'folder holding profiles.yml (default: $DBT_PROFILES_DIR, the project folder, ~/.dbt)',
    );
}

/** The warehouse the flags choose for the project in `projectDir`, its warnings printed. */
export function warehouseTarget(
  flags: TargetFlags,
  projectDir = flags.projectDir ?? process.cwd(),
): WarehouseTarget {
  const target = resolveTarget({
    projectDir,
    dbPath: flags.db,
    target: flags.target,
    profilesDir: flags.profilesDir,
    renderValue: createProjectValueRenderer({ cliVars: {} }),
  });
  for (const warning of target.warnings) printWarning(warning);
  return target;
}
