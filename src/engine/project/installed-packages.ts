import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { parse as parseYaml } from 'yaml';
import { readPackageDeclarations } from './package-declarations.js';
import { PROJECT_FILE, readProjectFile, type ProjectFile } from './project-file.js';
import type { ProjectIssue } from './project-issue.js';
import type { RenderProjectValue } from './templated-values.js';

/** The lock file `npm run dbt -- deps` writes beside `packages.yml`, as dbt 1.7+ does. */
export const PACKAGE_LOCK_FILE = 'package-lock.yml';

/** A file of an installed package; `path` is relative to the root project's folder. */
export interface PackageSourceFile {
  readonly path: string;
  readonly absolutePath: string;
  readonly text: string;
}

/**
 * A package installed under `dbt_packages/`: a dbt project whose macros the root project calls and
 * whose models and seeds are built with the root project's (load-project.ts finds them).
 */
export interface InstalledPackage {
  /** The package's `name:` in its `dbt_project.yml`: the namespace of its macros. */
  readonly name: string;
  /** Its folder relative to the root project, e.g. `dbt_packages/dbt_utils`. */
  readonly dir: string;
  readonly file: ProjectFile;
  /** Macro files, then generic tests (`<test-path>/generic/**`), as for the root project. */
  readonly macroFiles: readonly PackageSourceFile[];
}

/** What was found under the packages folder, with problems and warnings to report. */
export interface InstalledPackages {
  readonly packages: readonly InstalledPackage[];
  readonly issues: readonly ProjectIssue[];
  readonly warnings: readonly string[];
}

function sqlFiles(absoluteDir: string): string[] {
  if (!existsSync(absoluteDir)) return [];
  return fg.sync(['**/*.sql'], { cwd: absoluteDir, onlyFiles: true, dot: false }).sort();
}

function readPackage(
  rootDir: string,
  relativeDir: string,
  render: RenderProjectValue | undefined,
): InstalledPackage {
  const absoluteDir = join(rootDir, relativeDir);
  const file = readProjectFile(absoluteDir, `${relativeDir}/${PROJECT_FILE}`, render);
  const read = (path: string): PackageSourceFile => {
    const absolutePath = join(absoluteDir, path);
    return {
      path: `${relativeDir}/${path}`,
      absolutePath,
      text: readFileSync(absolutePath, 'utf8'),
    };
  };
  const macroFiles = [
    ...file.macroPaths.flatMap((base) =>
      sqlFiles(join(absoluteDir, base)).map((path) => `${base}/${path}`),
    ),
    ...file.testPaths.flatMap((base) =>
      sqlFiles(join(absoluteDir, base, 'generic')).map((path) => `${base}/generic/${path}`),
    ),
  ].map(read);
  return { name: file.name, dir: relativeDir, file, macroFiles };
}

/** Package names in `package-lock.yml`, when it lists them (dbt 1.8 writes `name:` per package). */
function lockedNames(rootDir: string): string[] {
  const path = join(rootDir, PACKAGE_LOCK_FILE);
  if (!existsSync(path)) return [];
  try {
    const lock = parseYaml(readFileSync(path, 'utf8')) as { packages?: { name?: unknown }[] };
    return (lock?.packages ?? []).flatMap((entry) =>
      typeof entry?.name === 'string' ? [entry.name] : [],
    );
  } catch {
    return [];
  }
}

/**
 * The packages installed in the root project's `packages-install-path` (each folder holding a
 * `dbt_project.yml`), as dbt loads them: every installed package, declared or not. A project that
 * declares more packages than are installed, or whose lock names one that is missing, gets an
 * issue telling the user to run deps. Two installed packages of one name are an issue too.
 */
export function loadInstalledPackages(
  rootDir: string,
  root: ProjectFile,
  render?: RenderProjectValue,
): InstalledPackages {
  const issues: ProjectIssue[] = [];
  const warnings: string[] = [];
  const installPath = root.packagesInstallPath.replace(/\/+$/, '');
  const installDir = join(rootDir, installPath);
  const folders = existsSync(installDir)
    ? readdirSync(installDir)
        .filter((name) => !name.startsWith('.'))
        .filter((name) => existsSync(join(installDir, name, PROJECT_FILE)))
        .filter((name) => statSync(join(installDir, name)).isDirectory())
        .sort()
    : [];
  const packages: InstalledPackage[] = [];
  const byName = new Map<string, string>();
  for (const folder of folders) {
    const pkg = readPackage(rootDir, `${installPath}/${folder}`, render);
    const other = byName.get(pkg.name);
    if (other) {
      issues.push({
        file: `${pkg.dir}/${PROJECT_FILE}`,
        message: `package "${pkg.name}" is installed twice: in ${other} and in ${pkg.dir}`,
      });
      continue;
    }
    if (pkg.name === root.name) {
      issues.push({
        file: `${pkg.dir}/${PROJECT_FILE}`,
        message: `package "${pkg.name}" has the root project's name`,
      });
      continue;
    }
    byName.set(pkg.name, pkg.dir);
    packages.push(pkg);
  }
  const declarations = readPackageDeclarations(rootDir);
  const missing = lockedNames(rootDir).filter((name) => !byName.has(name));
  if (missing.length > 0) {
    issues.push({
      file: PACKAGE_LOCK_FILE,
      message: `package(s) ${missing.join(', ')} are locked but not installed in ${installPath}/: run "npm run dbt -- deps"`,
    });
  } else if (declarations.length > packages.length) {
    issues.push({
      file: declarations[0]!.file,
      message: `${declarations.length} package(s) are declared, but only ${packages.length} installed in ${installPath}/: run "npm run dbt -- deps" to install them`,
    });
  }
  return { packages, issues, warnings };
}
