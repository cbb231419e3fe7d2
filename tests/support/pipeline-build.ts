/**
 * Builds the repo-root pipeline project for the semantics tests: in-process through the runner
 * library, or as a real child process (`scripts/build-models.ts build`) that a test may SIGKILL.
 *
 * The project is copied into a temporary folder first, so that the runner's artifacts (target/) of
 * parallel tests never meet, and never land in the repo.
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import fg from 'fast-glob';
import { build, type BuildResult } from '../../src/index.js';
import { captureConsole } from './console-capture.js';
import { REPO_ROOT } from './repo-root.js';
import { startScript, type RunningScript, type ScriptResult } from './run-script.js';

/** Copies the pipeline project (dbt_project.yml, models, macros, seeds, singular SQL tests) into `dir`. */
export function copyPipelineProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const file of ['dbt_project.yml', 'packages.yml', 'selectors.yml']) {
    if (existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(dir, file));
  }
  for (const folder of ['models', 'macros', 'seeds', 'snapshots', 'analyses']) {
    if (existsSync(join(REPO_ROOT, folder)))
      cpSync(join(REPO_ROOT, folder), join(dir, folder), { recursive: true });
  }
  // Singular data tests live beside the vitest files; fixtures are other projects' files.
  for (const file of fg.sync('tests/**/*.sql', { cwd: REPO_ROOT, ignore: ['tests/fixtures/**'] })) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(dir, file));
  }
  return dir;
}

/** Options of a pipeline build. */
export interface PipelineBuildOptions {
  readonly projectDir: string;
  readonly dbPath: string;
  /** Rebuild every model from scratch (default `false`). */
  readonly fullRefresh?: boolean;
  /** Project vars, e.g. `{ watermark_minutes: 30 }`. Default: none. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Extra environment of a child build, e.g. `{ TZ: 'Pacific/Kiritimati' }`. Ignored in-process. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The CLI arguments of a build (without the node/tsx part). */
export function buildArguments(options: PipelineBuildOptions): string[] {
  const args = ['build', '--db', options.dbPath, '--project-dir', options.projectDir];
  if (options.fullRefresh) args.push('--full-refresh');
  if (options.vars) args.push('--vars', JSON.stringify(options.vars));
  return args;
}

/** Starts `scripts/build-models.ts build` in a child process (see {@link startScript}), which a test may SIGKILL. */
export function spawnBuild(options: PipelineBuildOptions): RunningScript {
  return startScript(
    'build-models',
    buildArguments(options),
    options.env ? { env: options.env } : {},
  );
}

/** Runs a child build to its end and fails with its output unless it exits 0. */
export async function buildInChild(options: PipelineBuildOptions): Promise<ScriptResult> {
  const outcome = await spawnBuild(options).done;
  if (outcome.code !== 0) {
    throw new Error(
      `build of ${relative(REPO_ROOT, options.projectDir) || options.projectDir} exited ${outcome.code ?? outcome.signal}:\n` +
        `${outcome.stdout}\n${outcome.stderr}`,
    );
  }
  return outcome;
}

/**
 * Builds in this process through the runner library, with its console output captured (and shown
 * only when the build fails). Throws unless the build succeeded.
 */
export async function buildPipeline(options: PipelineBuildOptions): Promise<string> {
  const captured = captureConsole();
  let result: BuildResult;
  try {
    result = await build({
      projectDir: options.projectDir,
      dbPath: options.dbPath,
      ...(options.fullRefresh ? { fullRefresh: true } : {}),
      ...(options.vars ? { vars: { ...options.vars } } : {}),
    });
  } catch (error) {
    throw new Error(`build failed: ${(error as Error).message}\n${captured.all}`, { cause: error });
  } finally {
    captured.restore();
  }
  if (result.exitCode !== 0 || !result.success)
    throw new Error(`build failed: exit code ${result.exitCode}\n${captured.all}`);
  return captured.all;
}
