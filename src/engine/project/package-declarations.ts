import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { UserError } from '../../base/errors/user-error.js';

/** The files dbt reads packages from, in the order it looks for them. */
export const PACKAGE_FILES = ['packages.yml', 'dependencies.yml'] as const;

interface DeclarationBase {
  /** The file that declares it (`packages.yml` or `dependencies.yml`) and the entry's line. */
  readonly file: string;
  readonly line?: number;
}

/** `- local: ../path`: a folder on disk, relative to the project. */
export interface LocalPackage extends DeclarationBase {
  readonly kind: 'local';
  readonly local: string;
}

/** `- git: URL` with an optional `revision` (tag, branch or commit) and `subdirectory`. */
export interface GitPackage extends DeclarationBase {
  readonly kind: 'git';
  readonly git: string;
  readonly revision?: string;
  readonly subdirectory?: string;
}

/** `- package: owner/name` with `version` (one or several range constraints). */
export interface HubPackage extends DeclarationBase {
  readonly kind: 'hub';
  readonly package: string;
  readonly version: readonly string[];
}

export type PackageDeclaration = LocalPackage | GitPackage | HubPackage;

/**
 * The packages a project declares, read as dbt reads them: `packages:` of `packages.yml`, or of
 * `dependencies.yml` when there is no `packages.yml` (dbt refuses packages in both). A project
 * without either declares none. A malformed entry is a UserError naming the file and line.
 */
export function readPackageDeclarations(projectDir: string): PackageDeclaration[] {
  const present = PACKAGE_FILES.filter((file) => existsSync(join(projectDir, file)));
  const declared = present.map((file) => ({ file, entries: readEntries(projectDir, file) }));
  const withPackages = declared.filter((d) => d.entries.length > 0);
  if (withPackages.length > 1) {
    throw new UserError(
      'packages are declared in both packages.yml and dependencies.yml: keep them in one file, as dbt requires',
      2,
    );
  }
  return withPackages[0]?.entries ?? [];
}

function readEntries(projectDir: string, file: string): PackageDeclaration[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(readFileSync(join(projectDir, file), 'utf8'), { lineCounter });
  const fail = (message: string, node?: unknown): UserError => {
    const range = (node as YamlNode | undefined)?.range;
    const line = range ? lineCounter.linePos(range[0]).line : undefined;
    return new UserError(`${file}${line ? `:${line}` : ''}: ${message}`, 2);
  };
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const line = first.linePos?.[0].line;
    throw new UserError(
      `${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`,
      2,
    );
  }
  const root = document.contents;
  if (root === null || root === undefined) return [];
  if (!isMap(root)) throw fail('expected a mapping with a "packages:" list', root);
  const list = root.get('packages', true) as YamlNode | undefined;
  if (list === undefined || list === null) return [];
  if (!isSeq(list)) throw fail('"packages" must be a list', list);
  return list.items.map((item) => {
    const entry = (item as YamlNode).toJSON?.() as Record<string, unknown> | undefined;
    if (!isMap(item) || !entry) throw fail('each package must be a mapping', item);
    const line = item.range ? lineCounter.linePos(item.range[0]).line : undefined;
    return declaration(entry, { file, ...(line ? { line } : {}) }, (message) =>
      fail(message, item),
    );
  });
}

function declaration(
  entry: Record<string, unknown>,
  where: DeclarationBase,
  fail: (message: string) => UserError,
): PackageDeclaration {
  const text = (key: string): string | undefined => {
    const value = entry[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number')
      throw fail(`"${key}" must be a string (got ${JSON.stringify(value)})`);
    const string = String(value);
    if (string.includes('{{'))
      throw fail(`"${key}": Jinja in ${where.file} is not supported; write the value itself`);
    return string;
  };
  const kinds = ['local', 'git', 'package', 'tarball', 'private'].filter((key) => key in entry);
  if (kinds.length !== 1)
    throw fail(
      `each package needs exactly one of local:, git: or package: (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})`,
    );
  const kind = kinds[0]!;
  if (kind === 'local') return { ...where, kind: 'local', local: text('local')! };
  if (kind === 'git') {
    const revision = text('revision');
    const subdirectory = text('subdirectory');
    return {
      ...where,
      kind: 'git',
      git: text('git')!,
      ...(revision !== undefined ? { revision } : {}),
      ...(subdirectory !== undefined ? { subdirectory } : {}),
    };
  }
  if (kind === 'package') {
    const name = text('package')!;
    if (!/^[\w.-]+\/[\w.-]+$/.test(name))
      throw fail(`"package" must be owner/name, as on hub.getdbt.com (got "${name}")`);
    const version = entry['version'];
    const versions = Array.isArray(version) ? version.map(String) : [text('version') ?? ''];
    if (versions.some((v) => v.trim() === ''))
      throw fail(`package ${name} needs a version: (a version or a list of ranges)`);
    return { ...where, kind: 'hub', package: name, version: versions };
  }
  throw fail(`${kind}: packages are not supported; use git: with the repository's URL`);
}
