import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { UserError } from '../../base/errors/user-error.js';
import { catalogName } from '../../base/warehouse/catalog-name.js';
import { resolveDbPath } from '../../base/warehouse/resolve-db-path.js';
import { renderTemplatedValues, type RenderProjectValue } from './templated-values.js';

const PROFILES_FILE = 'profiles.yml';

/** The warehouse a command runs against: a target of `profiles.yml`, or the default DuckDB file. */
export interface WarehouseTarget {
  /** The profile named by `dbt_project.yml`'s `profile:`; the project's name without a profile. */
  readonly profileName: string;
  /** `target.name`: the output chosen by `--target` or the profile's `target:` (`dev` by default). */
  readonly name: string;
  readonly type: 'duckdb';
  /** The DuckDB file (resolved) or `:memory:`. */
  readonly path: string;
  /** `target.schema`: where models without `+schema` land. */
  readonly schema: string;
  /** `target.database`: the catalog name DuckDB gives the file. */
  readonly database: string;
  /** `target.threads`, as dbt reports it (nodes here run one at a time, on one connection). */
  readonly threads: number;
  /** DuckDB settings of the output's `settings:` (`memory_limit`, `threads`, …). */
  readonly settings: Readonly<Record<string, string>>;
  /** The `profiles.yml` the target came from, when one did. */
  readonly file?: string;
  /** Keys of the output not used here, each naming the file. */
  readonly warnings: readonly string[];
}

/** How a command chose its warehouse: the flags and environment that every command takes. */
export interface TargetOptions {
  /** The folder holding `dbt_project.yml` (its `profile:`, and the first place to look for profiles). */
  readonly projectDir: string;
  /** `--profiles-dir`. */
  readonly profilesDir?: string;
  /** `--target`. */
  readonly target?: string;
  /** `--db`: a DuckDB file, over the profile's `path`. */
  readonly dbPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Renders a templated value (`"{{ env_var('DB_PATH') }}"`). */
  readonly renderValue?: RenderProjectValue;
  /** `~`, for `~/.dbt/profiles.yml` (tests give their own). */
  readonly homeDir?: string;
}

/** dbt-duckdb's output keys; others are reported as unused. */
const DUCKDB_KEYS = new Set(['type', 'path', 'schema', 'database', 'threads', 'settings']);

/** The profile `dbt_project.yml` names, if it names one. */
function projectProfile(projectDir: string): string | undefined {
  const file = join(projectDir, 'dbt_project.yml');
  if (!existsSync(file)) return undefined;
  const document = parseDocument(readFileSync(file, 'utf8'));
  const profile: unknown = isMap(document.contents) ? document.get('profile') : undefined;
  return typeof profile === 'string' && profile !== '' ? profile : undefined;
}

/**
 * Where `profiles.yml` is, as dbt looks: `--profiles-dir`, then `DBT_PROFILES_DIR`, then the
 * project folder, then `~/.dbt`. A folder given explicitly must hold one.
 */
function findProfiles(options: TargetOptions, env: NodeJS.ProcessEnv): string | undefined {
  const explicit = options.profilesDir ?? env['DBT_PROFILES_DIR'];
  if (explicit !== undefined) {
    const file = join(resolve(explicit), PROFILES_FILE);
    if (!existsSync(file)) {
      const flag = options.profilesDir !== undefined ? '--profiles-dir' : 'DBT_PROFILES_DIR';
      throw new UserError(`${flag} ${explicit}: there is no ${PROFILES_FILE} in that folder`, 2);
    }
    return file;
  }
  for (const dir of [options.projectDir, join(options.homeDir ?? homedir(), '.dbt')]) {
    const file = join(resolve(dir), PROFILES_FILE);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * The warehouse target of a command. Without a `profile:` in `dbt_project.yml` or without a
 * `profiles.yml`, it is today's DuckDB file (`--db`, `WAREHOUSE_PATH`, `warehouse.duckdb`);
 * with both, the profile's target (`--target`, else its `target:`), whose `path` `--db` and
 * `WAREHOUSE_PATH` still override. Every mistake is a UserError naming the file and the key.
 */
export function resolveTarget(options: TargetOptions): WarehouseTarget {
  const env = options.env ?? process.env;
  const profileName = projectProfile(options.projectDir);
  const file = findProfiles(options, env);
  if (profileName === undefined || file === undefined) {
    if (options.target !== undefined || options.profilesDir !== undefined)
      throw new UserError(
        profileName === undefined
          ? `--target/--profiles-dir: dbt_project.yml names no profile: (add profile: <name> and a profiles.yml holding it)`
          : `--target ${options.target}: no ${PROFILES_FILE} in ${options.projectDir} or ~/.dbt (give --profiles-dir)`,
        2,
      );
    const path = resolveDbPath(options.projectDir, options.dbPath, env);
    return defaultTarget(profileName ?? 'default', path);
  }
  const { profile, name } = readProfile(file, profileName, options);
  const outputs = profile['outputs'];
  if (!isRecord(outputs)) throw new UserError(`${file}: profile ${profileName} has no outputs:`, 2);
  const output = outputs[name];
  if (!isRecord(output))
    throw new UserError(
      `${file}: profile ${profileName} has no target ${name} (it has ${Object.keys(outputs).join(', ') || 'none'})`,
      2,
    );
  return duckdbTarget(output, { file, profileName, name, options, env });
}

/** The target without a profile: DuckDB file `path`, schema `main`. */
export function defaultTarget(profileName: string, path: string): WarehouseTarget {
  return {
    profileName,
    name: 'dev',
    type: 'duckdb',
    path,
    schema: 'main',
    database: catalogName(path),
    threads: 1,
    settings: {},
    warnings: [],
  };
}

/**
 * The profile and the name of its chosen target. As in dbt, only the profile's `target:` and the
 * chosen output are rendered, so that another output's `env_var()` need not be set.
 */
function readProfile(
  file: string,
  profileName: string,
  options: TargetOptions,
): { profile: Record<string, unknown>; name: string } {
  const renderValue = options.renderValue;
  const lineCounter = new LineCounter();
  const document = parseDocument(readFileSync(file, 'utf8'), { lineCounter });
  const error = document.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    throw new UserError(
      `${file}${line ? `:${line}` : ''}: invalid YAML: ${error.message.split('\n')[0]}`,
      2,
    );
  }
  const inProfile = (keys: readonly string[], rest: readonly string[]): boolean =>
    keys[0] === profileName && rest.every((key, index) => keys[index + 1] === key);
  if (renderValue)
    renderTemplatedValues(document, lineCounter, file, renderValue, (keys) =>
      inProfile(keys, ['target']),
    );
  const raw: unknown = document.toJS();
  const chosen = isRecord(raw) && isRecord(raw[profileName]) ? raw[profileName] : {};
  const name = options.target ?? stringKey(chosen, 'target', file, profileName) ?? 'dev';
  if (renderValue)
    renderTemplatedValues(document, lineCounter, file, renderValue, (keys) =>
      inProfile(keys, ['outputs', name]),
    );
  const profiles: unknown = document.toJS();
  const profile = isRecord(profiles) ? profiles[profileName] : undefined;
  if (!isRecord(profile)) {
    const names = isRecord(profiles) ? Object.keys(profiles).filter((key) => key !== 'config') : [];
    throw new UserError(
      `${file}: no profile named ${profileName}, which dbt_project.yml's profile: names (it has ${names.join(', ') || 'none'})`,
      2,
    );
  }
  return { profile, name };
}

interface OutputScope {
  readonly file: string;
  readonly profileName: string;
  readonly name: string;
  readonly options: TargetOptions;
  readonly env: NodeJS.ProcessEnv;
}

function duckdbTarget(output: Record<string, unknown>, scope: OutputScope): WarehouseTarget {
  const { file, profileName, name, options, env } = scope;
  const where = `${file}: ${profileName}.outputs.${name}`;
  const type = output['type'];
  if (type === 'postgres')
    throw new UserError(
      `${where}: type postgres is not supported yet; only duckdb outputs can be used`,
      2,
    );
  if (type !== 'duckdb')
    throw new UserError(`${where}: type ${JSON.stringify(type)} is not supported (use duckdb)`, 2);
  const configured = output['path'] ?? ':memory:';
  if (typeof configured !== 'string') throw new UserError(`${where}.path: expected a path`, 2);
  // --db and WAREHOUSE_PATH choose another file; the profile's relative path is the cwd's, as in dbt-duckdb.
  const overridden = options.dbPath || env['WAREHOUSE_PATH'] || undefined;
  const path =
    overridden !== undefined
      ? resolveDbPath(options.projectDir, overridden, env)
      : configured === ':memory:' || isAbsolute(configured)
        ? configured
        : resolve(process.cwd(), configured);
  const schema = output['schema'] ?? 'main';
  if (typeof schema !== 'string' || schema === '')
    throw new UserError(`${where}.schema: expected a schema name`, 2);
  // Relations render as schema.table, which DuckDB cannot resolve when a schema and the file's
  // catalog share a name.
  if (schema !== 'main' && schema === catalogName(path))
    throw new UserError(
      `${where}.schema: ${schema} is also the name DuckDB gives the file ${path}, so DuckDB cannot tell the schema from the catalog in ${schema}.<table>: choose another schema or file name`,
      2,
    );
  // DuckDB names the file's catalog itself; dbt-duckdb refuses a database: that differs from it.
  const database = output['database'];
  if (database !== undefined && database !== null && String(database) !== catalogName(path))
    throw new UserError(
      `${where}.database: ${String(database)} is not the catalog DuckDB gives ${path} (${catalogName(path)}): leave database: out or make it match the file name`,
      2,
    );
  const threads = output['threads'] ?? 1;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1)
    throw new UserError(`${where}.threads: expected a positive whole number`, 2);
  return {
    profileName,
    name,
    type: 'duckdb',
    path,
    schema,
    database: catalogName(path),
    threads,
    settings: settingsOf(output['settings'], where),
    file,
    warnings: Object.keys(output)
      .filter((key) => !DUCKDB_KEYS.has(key))
      .map((key) => `${where}.${key} is not used here (it is ignored)`),
  };
}

function settingsOf(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new UserError(`${where}.settings: expected a mapping`, 2);
  const settings: Record<string, string> = {};
  for (const [key, setting] of Object.entries(value)) {
    if (typeof setting === 'object' && setting !== null)
      throw new UserError(`${where}.settings.${key}: expected a single value`, 2);
    settings[key] = String(setting);
  }
  return settings;
}

function stringKey(
  record: Record<string, unknown>,
  key: string,
  file: string,
  profileName: string,
): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new UserError(`${file}: ${profileName}.${key}: expected a name`, 2);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
