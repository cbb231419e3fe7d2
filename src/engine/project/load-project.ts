import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import fg from 'fast-glob';
import { folderSegments, resolveFolderConfig } from './folder-config.js';
import { loadInstalledPackages, type InstalledPackage } from './installed-packages.js';
import { PROJECT_FILE, readProjectFile, type ProjectFile } from './project-file.js';
import type { ProjectIssue } from './project-issue.js';
import type { RenderProjectValue } from './templated-values.js';
import type { ReadFixture } from './unit-test-properties.js';
import { parsePropertiesFile, type Properties } from './properties.js';
import { unusedConfigPaths } from './unused-config-paths.js';

/** A file of the project with its text. `path` is relative to the project dir, `/`-separated. */
export interface ProjectSourceFile {
  readonly path: string;
  readonly absolutePath: string;
  readonly text: string;
}

/** An analysis file; `packageName` is set for an installed package's. */
export interface AnalysisFile extends ProjectSourceFile {
  readonly packageName?: string;
}

/** A model file (`models/**\/*.sql`); `name` is the file name without `.sql`. */
export interface ModelFile extends ProjectSourceFile {
  readonly name: string;
  /** The installed package it belongs to; undefined for the root project's. */
  readonly packageName?: string;
  /** Config from `dbt_project.yml` for the model's folder (`+materialized`, `+tags` …). */
  readonly folderConfig: Readonly<Record<string, unknown>>;
  /**
   * A package's model: the root project's config for it, which dbt applies last, over the model's
   * own `config()` and properties.
   */
  readonly rootConfig?: Readonly<Record<string, unknown>>;
}

/** A seed file (`seeds/**\/*.csv`). */
export interface SeedFile {
  readonly name: string;
  /** The installed package it belongs to; undefined for the root project's. */
  readonly packageName?: string;
  readonly path: string;
  readonly absolutePath: string;
  readonly folderConfig: Readonly<Record<string, unknown>>;
  /** A package's seed: the root project's config for it, applied last. */
  readonly rootConfig?: Readonly<Record<string, unknown>>;
}

/** A file under the snapshot paths holding `{% snapshot name %}` blocks. */
export interface SnapshotFile extends ProjectSourceFile {
  /** Its folders below the snapshot path (the fqn of a snapshot is these and its name). */
  readonly folders: readonly string[];
  /** The installed package it belongs to; undefined for the root project's. */
  readonly packageName?: string;
}

/** Everything read from a project directory, before templating. Frozen once built. */
export interface Project {
  readonly dir: string;
  readonly file: ProjectFile;
  readonly models: readonly ModelFile[];
  readonly seeds: readonly SeedFile[];
  readonly snapshotFiles: readonly SnapshotFile[];
  /** Analyses (`analyses/**\/*.sql`), the root project's then its packages': compiled, never run. */
  readonly analysisFiles: readonly AnalysisFile[];
  /** Files whose `{% macro %}`/`{% test %}` blocks are callable everywhere. */
  readonly macroFiles: readonly ProjectSourceFile[];
  /** Singular data tests (`tests/**\/*.sql`, without `tests/generic` and `tests/fixtures`). */
  readonly singularTests: readonly ProjectSourceFile[];
  readonly properties: Properties;
  /** The packages installed under `dbt_packages/` (or `packages-install-path`), by name order. */
  readonly packages: readonly InstalledPackage[];
  /** Problems found while reading (YAML errors, duplicates); reported with compile errors. */
  readonly issues: readonly ProjectIssue[];
  /** Things worth a look that do not stop a run (config paths in `dbt_project.yml` that match nothing). */
  readonly warnings: readonly string[];
}

function glob(dir: string, base: string, patterns: string[], ignore: string[] = []): string[] {
  return fg
    .sync(patterns, { cwd: join(dir, base), ignore, onlyFiles: true, dot: false })
    .sort()
    .map((relative) => `${base.replace(/\/+$/, '')}/${relative}`);
}

function readSource(dir: string, path: string): ProjectSourceFile {
  const absolutePath = join(dir, path);
  return { path, absolutePath, text: readFileSync(absolutePath, 'utf8') };
}

/** Properties YAML files below a resource path; they may sit beside any kind of resource. */
function propertyFilesUnder(dir: string, base: string, ignore: string[] = []): string[] {
  return glob(dir, base, ['**/*.yml', '**/*.yaml'], ignore);
}

/** Files of one kind with their dbt fqns (for the unused-config-path warnings). */
interface FoundFiles<T> {
  readonly files: T[];
  readonly fqns: string[][];
}

/**
 * Where a project's resources are found: the root project's, or an installed package's, whose
 * files sit under its folder and whose config is its own `dbt_project.yml` overridden by the root
 * project's (`models: {<package>: {…}}`, and the root's top-level `+` keys), as dbt applies them.
 */
interface ResourceScope {
  readonly file: ProjectFile;
  /** The package's folder relative to the root project, or '' for the root project. */
  readonly prefix: string;
  readonly root?: ProjectFile;
}

/** A resource's folder config, and for a package's the root project's config for it. */
function scopedConfig(
  scope: ResourceScope,
  kind: 'models' | 'seeds',
  fqn: string[],
): { folderConfig: Record<string, unknown>; rootConfig?: Record<string, unknown> } {
  const folderConfig = resolveFolderConfig(scope.file[kind], scope.file.name, fqn);
  return scope.root
    ? { folderConfig, rootConfig: resolveFolderConfig(scope.root[kind], scope.file.name, fqn) }
    : { folderConfig };
}

function basePath(scope: ResourceScope, path: string): string {
  return scope.prefix ? `${scope.prefix}/${path}` : path;
}

function findModels(dir: string, scope: ResourceScope): FoundFiles<ModelFile> {
  const files: ModelFile[] = [];
  const fqns: string[][] = [];
  for (const modelPath of scope.file.modelPaths.map((path) => basePath(scope, path))) {
    for (const path of glob(dir, modelPath, ['**/*.sql'])) {
      // dbt's fqn: the folders, then the model's name (`models: {p: {staging: {stg_x: {…}}}}`).
      const fqn = [...folderSegments(path, [modelPath]), basename(path, '.sql')];
      fqns.push(fqn);
      files.push({
        ...readSource(dir, path),
        name: basename(path, '.sql'),
        ...(scope.root ? { packageName: scope.file.name } : {}),
        ...scopedConfig(scope, 'models', fqn),
      });
    }
  }
  return { files, fqns };
}

function findSeeds(dir: string, scope: ResourceScope): FoundFiles<SeedFile> {
  const files: SeedFile[] = [];
  const fqns: string[][] = [];
  for (const seedPath of scope.file.seedPaths.map((path) => basePath(scope, path))) {
    for (const path of glob(dir, seedPath, ['**/*.csv'])) {
      const fqn = [...folderSegments(path, [seedPath]), basename(path, '.csv')];
      fqns.push(fqn);
      files.push({
        name: basename(path, '.csv'),
        path,
        absolutePath: join(dir, path),
        ...(scope.root ? { packageName: scope.file.name } : {}),
        ...scopedConfig(scope, 'seeds', fqn),
      });
    }
  }
  return { files, fqns };
}

function findAnalyses(dir: string, scope: ResourceScope): AnalysisFile[] {
  return scope.file.analysisPaths
    .flatMap((base) => glob(dir, basePath(scope, base), ['**/*.sql']))
    .map((path) => ({
      ...readSource(dir, path),
      ...(scope.root ? { packageName: scope.file.name } : {}),
    }));
}

function findSnapshotFiles(dir: string, scope: ResourceScope): SnapshotFile[] {
  return scope.file.snapshotPaths
    .map((path) => basePath(scope, path))
    .flatMap((snapshotPath) =>
      glob(dir, snapshotPath, ['**/*.sql']).map((path) => ({
        ...readSource(dir, path),
        folders: folderSegments(path, [snapshotPath]),
        ...(scope.root ? { packageName: scope.file.name } : {}),
      })),
    );
}

/** Macro files, then the generic tests, which are macros kept under the test paths. */
function findMacroFiles(dir: string, file: ProjectFile): ProjectSourceFile[] {
  return [
    ...file.macroPaths.flatMap((macroPath) => glob(dir, macroPath, ['**/*.sql'])),
    ...file.testPaths.flatMap((testPath) => glob(dir, testPath, ['generic/**/*.sql'])),
  ].map((path) => readSource(dir, path));
}

function findSingularTests(dir: string, file: ProjectFile): ProjectSourceFile[] {
  return file.testPaths
    .flatMap((testPath) => glob(dir, testPath, ['**/*.sql'], ['fixtures/**', 'generic/**']))
    .map((path) => readSource(dir, path));
}

function findPropertyFiles(dir: string, file: ProjectFile): string[] {
  return [
    ...[...file.modelPaths, ...file.seedPaths, ...file.snapshotPaths, ...file.macroPaths].flatMap(
      (base) => propertyFilesUnder(dir, base),
    ),
    ...file.testPaths.flatMap((testPath) => propertyFilesUnder(dir, testPath, ['fixtures/**'])),
  ];
}

/** Unit test fixture files, `fixtures/**\/<name>.csv|sql` under the test paths, as dbt finds them. */
function fixtureReader(dir: string, file: ProjectFile): ReadFixture {
  return (name, extension) => {
    for (const testPath of file.testPaths) {
      const [path] = glob(dir, `${testPath}/fixtures`, [`**/${name}.${extension}`]);
      if (path && existsSync(join(dir, path))) return readFileSync(join(dir, path), 'utf8');
    }
    return undefined;
  };
}

function readProperties(
  dir: string,
  propertyFiles: readonly { readonly path: string; readonly packageName?: string }[],
  readFixture: ReadFixture,
): { properties: Properties; issues: ProjectIssue[] } {
  const properties: Properties = {
    models: new Map(),
    seeds: new Map(),
    snapshots: new Map(),
    sources: [],
    unitTests: [],
  };
  const issues: ProjectIssue[] = [];
  for (const { path, packageName } of propertyFiles) {
    parsePropertiesFile(
      path,
      readFileSync(join(dir, path), 'utf8'),
      properties,
      issues,
      readFixture,
      packageName,
    );
  }
  return { properties, issues };
}

/** Warnings for config paths in `dbt_project.yml` under which no model, seed or test sits. */
function unusedConfigWarnings(
  file: ProjectFile,
  modelFqns: readonly string[][],
  seedFqns: readonly string[][],
  propertyFiles: readonly string[],
  singularTests: readonly ProjectSourceFile[],
): string[] {
  // Tests are configured by the folder of the file that declares them (and a singular test's name).
  const testRoots = [...file.modelPaths, ...file.seedPaths, ...file.testPaths, ...file.macroPaths];
  const testFqns = [
    ...propertyFiles.map((path) => folderSegments(path, testRoots)),
    ...singularTests.map((test) => [
      ...folderSegments(test.path, testRoots),
      basename(test.path, '.sql'),
    ]),
  ];
  return [
    ...unusedConfigPaths('models', file.models, file.name, modelFqns),
    ...unusedConfigPaths('seeds', file.seeds, file.name, seedFqns),
    ...unusedConfigPaths('data_tests', file.tests, file.name, testFqns),
  ].map(
    (path) =>
      `${PROJECT_FILE}: the config path ${path} applies to no file (is a folder or file name misspelt?)`,
  );
}

/**
 * Loads a dbt-style project: `dbt_project.yml`, models, seeds, macros, singular tests and
 * properties YAML. Throws a UserError (exit 2) when `dbt_project.yml` is missing or invalid; other
 * problems are collected in `issues`.
 */
export function loadProject(
  projectDir: string,
  options: { readonly renderValue?: RenderProjectValue } = {},
): Project {
  const dir = resolve(projectDir);
  const file = readProjectFile(dir, PROJECT_FILE, options.renderValue);
  const models = findModels(dir, { file, prefix: '' });
  const seeds = findSeeds(dir, { file, prefix: '' });
  const singularTests = findSingularTests(dir, file);
  const propertyFiles = findPropertyFiles(dir, file);
  const installed = loadInstalledPackages(dir, file, options.renderValue);
  // A package's models and seeds are built with the root project's, and described in its YAML.
  const scopes = installed.packages.map((pkg) => ({
    file: pkg.file,
    prefix: pkg.dir,
    root: file,
    packageName: pkg.name,
  }));
  const packageModels = scopes.flatMap((scope) => findModels(dir, scope).files);
  const packageSeeds = scopes.flatMap((scope) => findSeeds(dir, scope).files);
  const packageProperties = scopes.flatMap((scope) =>
    [...scope.file.modelPaths, ...scope.file.seedPaths, ...scope.file.snapshotPaths].flatMap(
      (base) =>
        propertyFilesUnder(dir, basePath(scope, base)).map((path) => ({
          path,
          packageName: scope.packageName,
        })),
    ),
  );
  const { properties, issues } = readProperties(
    dir,
    [...propertyFiles.map((path) => ({ path })), ...packageProperties],
    fixtureReader(dir, file),
  );
  return Object.freeze({
    dir,
    file,
    models: [...models.files, ...packageModels],
    seeds: [...seeds.files, ...packageSeeds],
    snapshotFiles: [
      ...findSnapshotFiles(dir, { file, prefix: '' }),
      ...scopes.flatMap((scope) => findSnapshotFiles(dir, scope)),
    ],
    analysisFiles: [{ file, prefix: '' }, ...scopes].flatMap((scope) => findAnalyses(dir, scope)),
    macroFiles: findMacroFiles(dir, file),
    singularTests,
    properties,
    packages: installed.packages,
    issues: [...installed.issues, ...issues],
    warnings: [
      ...installed.warnings,
      ...unusedConfigWarnings(file, models.fqns, seeds.fqns, propertyFiles, singularTests),
    ],
  });
}
