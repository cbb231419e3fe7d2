// `npm run build-models` (= `dbt build`) and `npm run dbt -- <build|run|test|seed|snapshot|compile|ls|deps> [flags]`.
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  INDIRECT_SELECTION_MODES,
  type IndirectSelection,
} from '../src/engine/graph/select-nodes.js';
import { runCli } from '../src/app/cli/run-cli.js';
import { defaultSimulationHook } from '../src/app/landing/default-simulation-hook.js';
import { printLine } from '../src/base/console/console.js';
import { compileProject, listNodes } from '../src/engine/runner/compile-project.js';
import { installPackages, type LockedPackage } from '../src/engine/runner/install-packages.js';
import { parseVars } from '../src/engine/runner/parse-vars.js';
import { runProject } from '../src/engine/runner/run-project.js';
import type { BuildOptions, RunnerCommand } from '../src/engine/runner/runner-options.js';

interface Flags {
  select?: string[];
  exclude?: string[];
  indirectSelection?: IndirectSelection;
  fullRefresh?: boolean;
  vars?: string;
  projectDir?: string;
  db?: string;
  target?: string;
  profilesDir?: string;
  threads?: number;
  memoryLimit?: string;
}

function parseThreads(value: string): number {
  if (!/^[1-9]\d*$/.test(value))
    throw new InvalidArgumentError('expected a positive whole number.');
  return Number(value);
}

function toOptions(flags: Flags): BuildOptions {
  return {
    projectDir: flags.projectDir ?? process.cwd(),
    dbPath: flags.db,
    target: flags.target,
    profilesDir: flags.profilesDir,
    select: flags.select,
    exclude: flags.exclude,
    indirectSelection: flags.indirectSelection,
    fullRefresh: flags.fullRefresh ?? false,
    vars: flags.vars === undefined ? undefined : parseVars(flags.vars),
    threads: flags.threads,
    memoryLimit: flags.memoryLimit,
  };
}

function addFlags(command: Command): Command {
  return command
    .option(
      '-s, --select <selector...>',
      'nodes to run: name, name+, +name, tag:x, path:models/x (space-separated union)',
    )
    .option('--exclude <selector...>', 'nodes to leave out (same syntax as --select)')
    .addOption(
      new Option(
        '--indirect-selection <mode>',
        'which tests come with the selected models: eager (any of their models selected), buildable, cautious (all selected), empty',
      ).choices(INDIRECT_SELECTION_MODES),
    )
    .option('--full-refresh', 'rebuild incremental models from scratch', false)
    .option('--vars <yaml>', "variables as YAML or JSON, e.g. '{start_date: 2024-01-01}'")
    .option('--project-dir <dir>', 'directory holding dbt_project.yml (default: current directory)')
    .option(
      '--db <path>',
      "DuckDB file, over the target's path (default: the profile's target, else $WAREHOUSE_PATH or <project-dir>/warehouse.duckdb)",
    )
    .option('--target <name>', "the output of the project's profile to use (default: its target:)")
    .option(
      '--profiles-dir <dir>',
      'folder holding profiles.yml (default: $DBT_PROFILES_DIR, the project folder, ~/.dbt)',
    )
    .option('--threads <n>', 'DuckDB threads', parseThreads)
    .option('--memory-limit <size>', "DuckDB memory limit, e.g. '2GB'")
    .exitOverride();
}

function describeLocked(pkg: LockedPackage): string {
  if ('local' in pkg) return `${pkg.name} (local ${pkg.local})`;
  if ('git' in pkg)
    return `${pkg.name} (git ${pkg.git} at ${pkg.revision.slice(0, 12)}${pkg.subdirectory ? `, ${pkg.subdirectory}` : ''})`;
  return `${pkg.name} (${pkg.package} ${pkg.version})`;
}

runCli(async () => {
  let exitCode = 0;
  const program = new Command('build-models')
    .description('A dbt-style model runner for the DuckDB warehouse.')
    .exitOverride()
    .showHelpAfterError();
  const verbs: [RunnerCommand, string][] = [
    [
      'build',
      'seeds, snapshots, models and their tests in dependency order (what `npm run build-models` runs)',
    ],
    ['run', 'build the selected models'],
    ['test', 'run the selected data tests'],
    ['seed', 'load the seed CSV files'],
    ['snapshot', 'record the changes of the selected snapshots (type-2 history tables)'],
  ];
  for (const [verb, description] of verbs) {
    addFlags(program.command(verb).description(description)).action(async (flags: Flags) => {
      const options = toOptions(flags);
      // This repository's own project lands a default simulated batch into an empty warehouse
      // (the quickstart); other projects (--project-dir) never get simulated data.
      const beforeBuild =
        verb === 'build' || verb === 'run' ? defaultSimulationHook(options.projectDir) : undefined;
      exitCode = (await runProject(verb, { ...options, beforeBuild })).exitCode;
    });
  }
  addFlags(
    program
      .command('compile')
      .description('render models and tests to target/compiled without running them'),
  ).action((flags: Flags) => {
    const compiled = compileProject(toOptions(flags));
    printLine(`Compiled ${compiled.length} node(s) into target/compiled/.`);
  });
  addFlags(program.command('ls').description('list the selected nodes')).action((flags: Flags) => {
    for (const node of listNodes(toOptions(flags))) printLine(node.uniqueId);
  });
  program
    .command('deps')
    .description(
      'install the packages of packages.yml into dbt_packages/ and pin them in package-lock.yml',
    )
    .option('--project-dir <dir>', 'directory holding dbt_project.yml (default: current directory)')
    .option('--upgrade', 'resolve versions and revisions again instead of those of the lock file')
    // dbt deps accepts these too; installing packages needs no warehouse.
    .option('--target <name>', 'accepted for dbt compatibility (deps opens no warehouse)')
    .option('--profiles-dir <dir>', 'accepted for dbt compatibility (deps opens no warehouse)')
    .exitOverride()
    .action(async (flags: { projectDir?: string; upgrade?: boolean }) => {
      const result = await installPackages({
        projectDir: flags.projectDir ?? process.cwd(),
        upgrade: flags.upgrade ?? false,
        onInstalled: (pkg) => printLine(`Installed ${describeLocked(pkg)}`),
      });
      printLine(
        result.packages.length === 0
          ? 'No packages declared in packages.yml or dependencies.yml.'
          : `Installed ${result.packages.length} package(s) into ${result.installPath}/${result.fromLock ? ' (versions from package-lock.yml)' : '; pinned in package-lock.yml'}.`,
      );
    });
  await program.parseAsync();
  return exitCode;
});
