import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fg from 'fast-glob';
import type { ResourceType } from '../graph/graph-node.js';
import type { ProjectFile } from '../project/project-file.js';
import { PROJECT_FILE } from '../project/project-file.js';
import { prepareProject, type PreparedProject } from './prepare-project.js';
import type { BuildOptions } from './runner-options.js';

/** {@link BuildOptions} of a build that may reuse the project an earlier build parsed. */
export interface CachedBuildOptions extends BuildOptions {
  /**
   * Reuses the project parsed by an earlier build with this cache while its files are unchanged.
   * Default: the project is read and parsed for every build.
   */
  readonly projectCache?: ProjectCache;
}

/**
 * Keeps one prepared (loaded, parsed, checked and selected) project across the builds of a
 * long-running process, such as a consumer that builds after every micro-batch, and prepares it
 * again whenever one of its files changed: a build always sees the project as it is on disk.
 *
 * "Changed" is judged by the size, modification and change times of `dbt_project.yml` and of every
 * SQL, YAML and CSV file under its model, seed, macro and test paths (new and deleted files
 * included), and by the options that shape the parse and the selection. Each build gets a new
 * `invocation_id` and `run_started_at`, as a fresh parse would give it. A project that failed to
 * prepare is not kept: its next build reports the problems again.
 */
export class ProjectCache {
  private entry: { readonly key: string; readonly prepared: PreparedProject } | undefined;

  /** The prepared project for `options`, reusing the last one when nothing it depends on changed. */
  prepare(options: BuildOptions, types: ReadonlySet<ResourceType>): PreparedProject {
    const known = this.entry;
    if (known) {
      const key = cacheKey(options, types, known.prepared.parsed.project.file);
      if (key === known.key) return freshInvocation(known.prepared);
    }
    const prepared = prepareProject(options, types);
    this.entry = { key: cacheKey(options, types, prepared.parsed.project.file), prepared };
    return prepared;
  }
}

/** The prepared project with a new `invocation_id` and `run_started_at`. */
function freshInvocation(prepared: PreparedProject): PreparedProject {
  const parsed = {
    ...prepared.parsed,
    runStartedAt: new Date().toISOString(),
    invocationId: randomUUID(),
  };
  return { ...prepared, parsed };
}

/**
 * What a prepared project depends on: the options of the parse and of the selection, and the
 * stats of the project's files (found with the folders named by `file`, the last parsed
 * `dbt_project.yml`: a change to that file changes the key by itself).
 */
function cacheKey(
  options: BuildOptions,
  types: ReadonlySet<ResourceType>,
  file: ProjectFile,
): string {
  const dir = resolve(options.projectDir);
  const folders = [...file.modelPaths, ...file.seedPaths, ...file.macroPaths];
  const files = [
    PROJECT_FILE,
    'profiles.yml',
    ...folders.flatMap((folder) => sourceFiles(dir, folder, [])),
    ...file.testPaths.flatMap((folder) => sourceFiles(dir, folder, ['fixtures/**'])),
  ];
  const stats = files.map((path) => {
    const stat = statSync(join(dir, path), { throwIfNoEntry: false });
    return stat ? `${path}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}` : `${path}:missing`;
  });
  return JSON.stringify({
    dir,
    types: [...types].sort(),
    vars: options.vars ?? {},
    fullRefresh: options.fullRefresh ?? false,
    select: options.select ?? [],
    exclude: options.exclude ?? [],
    indirectSelection: options.indirectSelection ?? 'eager',
    // The target shapes the parse (target.schema, target.name in templates).
    target: options.target,
    profilesDir: options.profilesDir ?? process.env['DBT_PROFILES_DIR'],
    dbPath: options.warehouse?.path ?? options.dbPath ?? process.env['WAREHOUSE_PATH'],
    stats,
  });
}

/** The files under `folder` a project load may read, relative to `dir`, in a stable order. */
function sourceFiles(dir: string, folder: string, ignore: string[]): string[] {
  return fg
    .sync(['**/*.sql', '**/*.yml', '**/*.yaml', '**/*.csv'], {
      cwd: join(dir, folder),
      ignore,
      onlyFiles: true,
      dot: false,
    })
    .sort()
    .map((relative) => `${folder.replace(/\/+$/, '')}/${relative}`);
}
