import { Relation } from '../../base/warehouse/relation.js';
import { captureContext } from './config-capture.js';
import type { ParseSession } from './parse-session.js';

/** The project's own `name(custom, node)` macro, trimmed, or undefined when it has none. */
function callOverride(
  session: ParseSession,
  name: string,
  custom: unknown,
  node: Record<string, unknown>,
): string | undefined {
  if (!session.macros.macros.has(name)) return undefined;
  const macro = session.macros.bind(captureContext(session))[name] as (
    ...args: unknown[]
  ) => unknown;
  return String(macro(custom ?? null, node)).trim();
}

/**
 * dbt's default schema naming: a model without `+schema` lives in the target schema (`main` without a
 * profile), a model with `+schema: x` in `<target schema>_x`. A project macro `generate_schema_name` overrides this.
 */
function generateSchemaName(
  session: ParseSession,
  custom: unknown,
  node: Record<string, unknown>,
): string {
  const overridden = callOverride(session, 'generate_schema_name', custom, node);
  if (overridden !== undefined) return overridden;
  const schema = session.target.schema;
  return custom === undefined || custom === null || custom === ''
    ? schema
    : `${schema}_${String(custom)}`;
}

/** The node as `generate_schema_name` and `generate_alias_name` receive it (dbt's `node`). */
export interface NamedNode {
  readonly resourceType: 'model' | 'seed' | 'snapshot';
  /** The file, relative to the project. */
  readonly path: string;
  /** The installed package the node belongs to; undefined for the root project's. */
  readonly packageName?: string;
}

/** `generate_alias_name(custom_alias_name, node)` when the project defines it, else the alias or name. */
function generateAliasName(
  session: ParseSession,
  custom: unknown,
  name: string,
  node: Record<string, unknown>,
): string {
  return callOverride(session, 'generate_alias_name', custom, node) ?? String(custom ?? name);
}

/**
 * Where a model or seed named `name` with `config` lives: its `schema` and `alias` (default its
 * name), through the project's `generate_schema_name` and `generate_alias_name` when it has them.
 */
export function relationFor(
  session: ParseSession,
  name: string,
  config: Readonly<Record<string, unknown>>,
  named: NamedNode,
): Relation {
  // A package's file as the package sees it: `models/staging/x.sql`, not `dbt_packages/pkg/…`.
  const pkgDir = session.project.packages.find((pkg) => pkg.name === named.packageName)?.dir;
  const ownPath =
    pkgDir && named.path.startsWith(`${pkgDir}/`)
      ? named.path.slice(pkgDir.length + 1)
      : named.path;
  const node = {
    name,
    resource_type: named.resourceType,
    package_name: named.packageName ?? session.projectName,
    unique_id: session.uniqueId(named.resourceType, name, named.packageName),
    path: ownPath.split('/').slice(1).join('/'),
    original_file_path: ownPath,
    fqn: [
      named.packageName ?? session.projectName,
      ...ownPath
        .replace(/\.(sql|csv)$/, '')
        .split('/')
        .slice(1),
    ],
    config,
    tags: config['tags'] ?? [],
  };
  return new Relation(
    generateSchemaName(session, config['schema'], node),
    generateAliasName(session, config['alias'], name, node),
  );
}
