import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import semver from 'semver';
import { extract } from 'tar';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { UserError } from '../../base/errors/user-error.js';
import { PACKAGE_LOCK_FILE } from '../project/installed-packages.js';
import {
  readPackageDeclarations,
  type GitPackage,
  type HubPackage,
  type PackageDeclaration,
} from '../project/package-declarations.js';
import { PROJECT_FILE, readProjectFile } from '../project/project-file.js';

/** The hub dbt reads packages from; `DBT_PACKAGE_HUB_URL` points at a private one, as in dbt. */
const DEFAULT_HUB_URL = 'https://hub.getdbt.com';

/** One installed package as the lock file records it: pinned to what was installed. */
export type LockedPackage =
  | { readonly name: string; readonly local: string }
  | {
      readonly name: string;
      readonly git: string;
      readonly revision: string;
      readonly subdirectory?: string;
    }
  | { readonly name: string; readonly package: string; readonly version: string };

/** What `deps` did. */
export interface InstallResult {
  readonly installPath: string;
  readonly packages: readonly LockedPackage[];
  /** True when the lock file pinned every version (packages.yml unchanged since it was written). */
  readonly fromLock: boolean;
}

interface InstallOptions {
  readonly projectDir: string;
  /** Re-resolve versions and revisions even when the lock file matches (`dbt deps --upgrade`). */
  readonly upgrade?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Called once per installed package. */
  readonly onInstalled?: (pkg: LockedPackage) => void;
}

/** Where a declaration came from, for messages: `packages.yml:4`. */
function where(declaration: PackageDeclaration | undefined, fallback: string): string {
  if (!declaration) return fallback;
  return `${declaration.file}${declaration.line ? `:${declaration.line}` : ''}`;
}

function git(args: string[], cwd: string | undefined, context: string): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  if (result.error) throw new UserError(`${context}: cannot run git (${result.error.message})`, 2);
  if (result.status !== 0) {
    const reason = (result.stderr || result.stdout).trim().split('\n').at(-1) ?? '';
    throw new UserError(`${context}: git ${args[0]} failed: ${reason}`, 2);
  }
  return result.stdout.trim();
}

/** The sha1 dbt keeps in the lock file to tell whether packages.yml changed since. */
function declarationsHash(declarations: readonly PackageDeclaration[]): string {
  const essential = declarations.map((d) => {
    const { file: _file, line: _line, ...rest } = d;
    return rest;
  });
  return createHash('sha1').update(JSON.stringify(essential)).digest('hex');
}

interface LockFile {
  readonly packages: LockedPackage[];
  readonly sha1_hash?: string;
}

function readLock(projectDir: string): LockFile | undefined {
  const path = join(projectDir, PACKAGE_LOCK_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const lock = parseYaml(readFileSync(path, 'utf8')) as LockFile | null;
    return lock && Array.isArray(lock.packages) ? lock : undefined;
  } catch {
    throw new UserError(`${PACKAGE_LOCK_FILE}: invalid YAML; delete it and run deps again`, 2);
  }
}

/** The package folder a staged copy holds, checked to be a dbt project; returns its name. */
function packageName(dir: string, context: string): string {
  if (!existsSync(join(dir, PROJECT_FILE)))
    throw new UserError(`${context}: no ${PROJECT_FILE} in the package (${dir})`, 2);
  return readProjectFile(dir, `${context}: ${PROJECT_FILE}`).name;
}

/** Copies a package's files, without its git folder, into `target`. */
function copyPackage(from: string, target: string): void {
  cpSync(from, target, {
    recursive: true,
    filter: (source) => !source.split(/[\\/]/).includes('.git'),
  });
}

class Installer {
  private readonly staging: string;
  private readonly scratch: string;
  readonly installed = new Map<string, LockedPackage>();
  /** Hub packages met so far with every version range asked for, to resolve once. */
  private readonly hubRanges = new Map<string, { ranges: string[]; from: HubPackage }>();

  constructor(
    private readonly projectDir: string,
    private readonly installDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly onInstalled?: (pkg: LockedPackage) => void,
  ) {
    mkdirSync(dirname(installDir), { recursive: true });
    this.staging = mkdtempSync(`${installDir}.installing-`);
    this.scratch = mkdtempSync(`${installDir}.download-`);
  }

  /** Moves the staged packages in place of the old install (all or nothing), cleans up. */
  commit(): void {
    rmSync(this.installDir, { recursive: true, force: true });
    renameSync(this.staging, this.installDir);
    rmSync(this.scratch, { recursive: true, force: true });
  }

  abandon(): void {
    rmSync(this.staging, { recursive: true, force: true });
    rmSync(this.scratch, { recursive: true, force: true });
  }

  private place(name: string, from: string, locked: LockedPackage, context: string): void {
    if (this.installed.has(name)) return;
    const target = join(this.staging, name);
    copyPackage(from, target);
    this.installed.set(name, locked);
    this.onInstalled?.(locked);
    // A package's own packages are installed beside it, as dbt resolves them.
    if (this.followNested) this.queueNested(name, target, relative(this.projectDir, target));
  }

  readonly queue: { declaration: PackageDeclaration; base: string; context: string }[] = [];

  /** A package's own packages, each named in messages by the package and its file. */
  private queueNested(name: string, dir: string, shownDir: string): void {
    for (const nested of readPackageDeclarations(dir)) {
      const declaration = { ...nested, file: `package ${name}, ${shownDir}/${nested.file}` };
      this.queue.push({ declaration, base: dir, context: where(declaration, 'packages.yml') });
    }
  }
  /** False when installing from the lock file, which already lists every nested package. */
  followNested = true;

  local(path: string, base: string, context: string): void {
    const absolute = isAbsolute(path) ? path : resolve(base, path);
    if (!existsSync(absolute))
      throw new UserError(`${context}: local package ${path} does not exist (${absolute})`, 2);
    const name = packageName(absolute, context);
    if (this.installed.has(name)) return;
    // dbt links a local package rather than copying it, so that edits show without a deps run.
    const target = join(this.staging, name);
    symlinkSync(absolute, target, 'dir');
    const locked = { name, local: relative(this.projectDir, absolute) || '.' };
    this.installed.set(name, locked);
    this.onInstalled?.(locked);
    if (this.followNested)
      this.queueNested(name, absolute, relative(this.projectDir, absolute) || '.');
  }

  git(declaration: Pick<GitPackage, 'git' | 'revision' | 'subdirectory'>, context: string): void {
    const checkout = mkdtempSync(join(this.scratch, 'git-'));
    git(
      ['clone', '--quiet', declaration.git, checkout],
      undefined,
      `${context}: ${declaration.git}`,
    );
    if (declaration.revision !== undefined) {
      const revision = declaration.revision;
      const label = `${context}: revision ${revision} of ${declaration.git}`;
      // A tag or branch name, or a commit (a branch is taken from the remote).
      const candidates = [`refs/tags/${revision}`, `origin/${revision}`, revision];
      const found = candidates.find(
        (ref) =>
          spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
            cwd: checkout,
          }).status === 0,
      );
      if (!found) throw new UserError(`${label}: no such tag, branch or commit`, 2);
      git(['checkout', '--quiet', '--detach', found], checkout, label);
    }
    const sha = git(['rev-parse', 'HEAD'], checkout, `${context}: ${declaration.git}`);
    const dir = declaration.subdirectory ? join(checkout, declaration.subdirectory) : checkout;
    if (declaration.subdirectory && !existsSync(dir))
      throw new UserError(
        `${context}: ${declaration.git} has no subdirectory ${declaration.subdirectory} at ${sha.slice(0, 12)}`,
        2,
      );
    const name = packageName(dir, `${context}: ${declaration.git}`);
    this.place(
      name,
      dir,
      {
        name,
        git: declaration.git,
        revision: sha,
        ...(declaration.subdirectory ? { subdirectory: declaration.subdirectory } : {}),
      },
      context,
    );
  }

  hub(declaration: HubPackage): void {
    const known = this.hubRanges.get(declaration.package);
    if (known) known.ranges.push(...declaration.version);
    else
      this.hubRanges.set(declaration.package, {
        ranges: [...declaration.version],
        from: declaration,
      });
  }

  /** Resolves each hub package met to the highest version every range allows, and installs it. */
  async resolveHub(pinned: ReadonlyMap<string, string>): Promise<boolean> {
    const pending = [...this.hubRanges.entries()];
    this.hubRanges.clear();
    for (const [name, { ranges, from }] of pending) {
      const context = where(from, 'packages.yml');
      const index = await this.hubIndex(name, context);
      const available = Object.keys(index.versions ?? {}).filter((v) => semver.valid(v));
      const range = ranges.map((r) => r.trim()).join(' ');
      const version =
        pinned.get(name) ??
        semver.maxSatisfying(available, range, { includePrerelease: false }) ??
        undefined;
      if (!version || !index.versions?.[version]) {
        throw new UserError(
          `${context}: no version of ${name} satisfies ${ranges.join(', ')} (available: ${available.join(', ') || 'none'})`,
          2,
        );
      }
      const tarball = index.versions[version]!.downloads?.tarball;
      if (!tarball)
        throw new UserError(`${context}: the hub lists no download for ${name} ${version}`, 2);
      const dir = await this.download(tarball, `${context}: ${name} ${version}`);
      const packageFolder = packageName(dir, `${context}: ${name} ${version}`);
      this.place(packageFolder, dir, { name: packageFolder, package: name, version }, context);
    }
    return pending.length > 0;
  }

  private async hubIndex(
    name: string,
    context: string,
  ): Promise<{ versions?: Record<string, { downloads?: { tarball?: string } }> }> {
    const hub = (this.env['DBT_PACKAGE_HUB_URL'] ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
    const url = `${hub}/api/v1/${name}.json`;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new UserError(
        `${context}: cannot reach the package hub at ${url} (${(error as Error).cause ?? (error as Error).message}); without a network, declare the package with git: or local:`,
        2,
      );
    }
    if (response.status === 404)
      throw new UserError(`${context}: package ${name} is not on the hub (${url})`, 2);
    if (!response.ok)
      throw new UserError(`${context}: the package hub answered ${response.status} for ${url}`, 2);
    return (await response.json()) as {
      versions?: Record<string, { downloads?: { tarball?: string } }>;
    };
  }

  private async download(url: string, context: string): Promise<string> {
    const response = await fetch(url).catch((error: Error) => {
      throw new UserError(`${context}: cannot download ${url} (${error.message})`, 2);
    });
    if (!response.ok)
      throw new UserError(`${context}: downloading ${url} answered ${response.status}`, 2);
    const archive = join(mkdtempSync(join(this.scratch, 'tar-')), 'package.tgz');
    writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
    const out = mkdtempSync(join(this.scratch, 'unpacked-'));
    await extract({ file: archive, cwd: out });
    // Hub tarballs hold one top folder (`dbt-utils-1.3.0/`).
    const top = readdirSync(out);
    return top.length === 1 && !existsSync(join(out, PROJECT_FILE)) ? join(out, top[0]!) : out;
  }
}

/**
 * `dbt deps`: installs the packages of `packages.yml` (or `dependencies.yml`) and theirs into
 * `packages-install-path` (default `dbt_packages/`): `local:` packages as links, `git:` packages
 * at their `revision` (tag, branch or commit) and `subdirectory`, hub packages at the highest
 * version their ranges allow. The lock file `package-lock.yml` pins what was installed; while
 * `packages.yml` is unchanged, later runs install exactly that (`upgrade` re-resolves). The old
 * install is replaced only once every package is in place.
 */
export async function installPackages(options: InstallOptions): Promise<InstallResult> {
  const projectDir = resolve(options.projectDir);
  const project = readProjectFile(projectDir);
  const declarations = readPackageDeclarations(projectDir);
  const installPath = project.packagesInstallPath.replace(/\/+$/, '');
  const installDir = join(projectDir, installPath);
  const hash = declarationsHash(declarations);
  const lock = readLock(projectDir);
  const fromLock = !options.upgrade && lock !== undefined && lock.sha1_hash === hash;
  const installer = new Installer(
    projectDir,
    installDir,
    options.env ?? process.env,
    options.onInstalled,
  );
  try {
    const pinnedHub = new Map<string, string>();
    if (fromLock) {
      installer.followNested = false;
      for (const locked of lock!.packages) {
        const context = `${PACKAGE_LOCK_FILE} (${locked.name})`;
        if ('local' in locked) installer.local(locked.local, projectDir, context);
        else if ('git' in locked) installer.git(locked, context);
        else {
          pinnedHub.set(locked.package, locked.version);
          installer.hub({
            kind: 'hub',
            package: locked.package,
            version: [locked.version],
            file: PACKAGE_LOCK_FILE,
          });
        }
      }
    } else {
      installer.queue.push(
        ...declarations.map((declaration) => ({
          declaration,
          base: projectDir,
          context: where(declaration, 'packages.yml'),
        })),
      );
    }
    do {
      while (installer.queue.length > 0) {
        const { declaration, base, context } = installer.queue.shift()!;
        if (declaration.kind === 'local') installer.local(declaration.local, base, context);
        else if (declaration.kind === 'git') installer.git(declaration, context);
        else installer.hub(declaration);
      }
    } while ((await installer.resolveHub(pinnedHub)) || installer.queue.length > 0);
    installer.commit();
  } catch (error) {
    installer.abandon();
    throw error;
  }
  const packages = [...installer.installed.values()];
  writeFileSync(join(projectDir, PACKAGE_LOCK_FILE), stringifyYaml({ packages, sha1_hash: hash }));
  return { installPath: relative(projectDir, installDir) || installPath, packages, fromLock };
}
