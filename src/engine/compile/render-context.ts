import { printInfo, printWarning } from '../../base/console/console.js';
import { quoteIdentifier, quoteLiteral } from '../../base/warehouse/quote.js';
import { Relation } from '../../base/warehouse/relation.js';
import { introspectionFunctions } from './introspection-functions.js';
import { pythonDatetime, utcDateTime } from './python-datetime.js';
import { pythonRe } from './python-re.js';
import { splitArgs } from './template-arguments.js';
import { macroReturn } from './template-environment.js';
import { CompilerError } from './template-error.js';
import type { WarehouseQueries } from './warehouse-queries.js';
import type { WarehouseTarget } from '../project/profiles.js';

/** What a render context reports back and asks for; the parse pass records, the execute pass resolves. */
export interface RenderHooks {
  /** `parse` collects refs/sources/config; `execute` renders the SQL that will run. */
  readonly mode: 'parse' | 'execute';
  /** Resolves `ref(name)`; in the parse pass it also records the dependency. */
  ref(name: string, packageName?: string): Relation;
  /** Resolves `source(source, table)`; in the parse pass it also records the dependency. */
  source(sourceName: string, tableName: string): Relation;
  /** Receives `config(...)` keyword arguments (parse pass). */
  config(values: Record<string, unknown>): void;
  /** The node's config as known so far (for `config.get`). */
  currentConfig(): Readonly<Record<string, unknown>>;
  /** `is_incremental()`: true only when executing an incremental model whose table exists. */
  isIncremental(): boolean;
}

/** Inputs of a render context besides the hooks. */
export interface RenderContextOptions {
  readonly projectName: string;
  /** Project vars merged with `--vars` (the latter win). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** `this`, when the node has a relation. */
  readonly self?: Relation;
  readonly fullRefresh: boolean;
  /** `run_started_at` and `invocation_id`. */
  readonly runStartedAt: string;
  readonly invocationId: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra names (test arguments, `model`). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** The warehouse target (`target`). */
  readonly target: WarehouseTarget;
  /** The warehouse's answers, in the execute pass of a command that opened it. */
  readonly queries?: WarehouseQueries;
}

/**
 * The dbt context a template renders with: `ref`, `source`, `config`, `this`, `is_incremental`,
 * `var`, `env_var`, `target` (the profile's output, see {@link targetContext}), `log`, `exceptions`,
 * `return`, `execute`, `flags`, `adapter.quote`, `run_started_at`, `invocation_id`, and what reads
 * the warehouse (`run_query`, `statement`, `adapter.get_columns_in_relation` …).
 */
export function createRenderContext(
  hooks: RenderHooks,
  options: RenderContextOptions,
): Record<string, unknown> {
  const introspection = introspectionFunctions(hooks.mode, options.queries);
  return {
    ...dependencyFunctions(hooks),
    config: configFunction(hooks),
    this: options.self,
    is_incremental: (): boolean => hooks.isIncremental(),
    // Failing rows are never stored in tables here, whatever `store_failures` says.
    should_store_failures: (): boolean => false,
    ...variableFunctions(hooks, options.vars, options.env ?? process.env),
    target: targetContext(options.target),
    project_name: options.projectName,
    ...messageFunctions(),
    return: macroReturn,
    execute: hooks.mode === 'execute',
    flags: { FULL_REFRESH: options.fullRefresh, WHICH: 'build' },
    ...quotingFunctions(introspection.adapter),
    ...introspection.functions,
    run_started_at: utcDateTime(options.runStartedAt),
    invocation_id: options.invocationId,
    modules: pythonModules(),
    ...options.extra,
  };
}

/** dbt's `target`: the output's name, type, schema, database (catalog), threads and DuckDB path. */
export function targetContext(target: WarehouseTarget): Record<string, unknown> {
  return {
    name: target.name,
    type: target.type,
    schema: target.schema,
    database: target.database,
    threads: target.threads,
    profile_name: target.profileName,
    path: target.path,
  };
}

let modules: Record<string, unknown> | undefined;

/** `modules.datetime`, `modules.pytz` and `modules.re`: stateless, so made once per process. */
function pythonModules(): Record<string, unknown> {
  return (modules ??= { ...pythonDatetime(), re: pythonRe() });
}

/** `ref()` (one name, or package and name) and `source()`, resolved by the hooks. */
function dependencyFunctions(hooks: RenderHooks): Record<'ref' | 'source', unknown> {
  return {
    ref: (...args: unknown[]): Relation => {
      const { positional } = splitArgs(args);
      if (positional.length === 2) return hooks.ref(String(positional[1]), String(positional[0]));
      if (positional.length !== 1)
        throw new CompilerError(`ref() takes a model name (got ${positional.length} arguments)`);
      return hooks.ref(String(positional[0]));
    },
    source: (sourceName: unknown, tableName: unknown): Relation => {
      if (typeof sourceName !== 'string' || typeof tableName !== 'string') {
        throw new CompilerError("source() takes two names: source('source_name', 'table_name')");
      }
      return hooks.source(sourceName, tableName);
    },
  };
}

/**
 * `config(...)`, which hands its dict and keyword arguments to the parse pass and renders as
 * nothing, with `config.get` and `config.require` reading the node's config.
 */
function configFunction(hooks: RenderHooks): unknown {
  return Object.assign(
    (...args: unknown[]): string => {
      const { positional, kwargs } = splitArgs(args);
      const values: Record<string, unknown> = {};
      for (const arg of positional) {
        if (arg && typeof arg === 'object') Object.assign(values, arg);
      }
      Object.assign(values, kwargs);
      if (hooks.mode === 'parse') hooks.config(values);
      return '';
    },
    {
      get: (key: string, fallback?: unknown): unknown =>
        hooks.currentConfig()[key] ?? fallback ?? null,
      require: (key: string): unknown => {
        const value = hooks.currentConfig()[key];
        if (value === undefined) throw new CompilerError(`config "${key}" is required but not set`);
        return value;
      },
    },
  );
}

/**
 * `var()` and `env_var()`: a missing name without a default is an error, except for `var()` in
 * the parse pass, which reads it as null so that only rendering the SQL that runs fails.
 */
function variableFunctions(
  hooks: RenderHooks,
  vars: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): Record<'var' | 'env_var', unknown> {
  return {
    var: (name: unknown, ...rest: unknown[]): unknown => {
      const key = String(name);
      if (Object.hasOwn(vars, key)) return vars[key];
      if (rest.length > 0) return rest[0];
      if (hooks.mode === 'parse') return null;
      throw new CompilerError(
        `Required var "${key}" is not set: add it under vars: in dbt_project.yml, pass --vars '{${key}: ...}', or give var() a default`,
      );
    },
    env_var: envVarFunction(env),
  };
}

/** `env_var(name, default)`: a variable not set and without a default is an error. */
export function envVarFunction(
  env: NodeJS.ProcessEnv,
): (name: unknown, ...rest: unknown[]) => unknown {
  return (name, ...rest) => {
    const key = String(name);
    const value = env[key];
    if (value !== undefined) return value;
    if (rest.length > 0) return rest[0];
    throw new CompilerError(
      `Environment variable "${key}" is not set and env_var() has no default`,
    );
  };
}

/** `log`, `print` and `exceptions`, which write through the console module and render as nothing. */
function messageFunctions(): Record<'log' | 'print' | 'exceptions', unknown> {
  return {
    log: (message: unknown, info?: unknown): string => {
      if (info === true) printInfo(String(message));
      return '';
    },
    print: (message: unknown): string => {
      printInfo(String(message));
      return '';
    },
    exceptions: {
      raise_compiler_error: (message: unknown): never => {
        throw new CompilerError(String(message));
      },
      warn: (message: unknown): string => {
        printWarning(String(message));
        return '';
      },
    },
  };
}

/** `adapter.quote` for identifiers and `sql_literal` for values (numbers and booleans bare). */
function quotingFunctions(
  adapter: Record<string, unknown>,
): Record<'adapter' | 'sql_literal', unknown> {
  return {
    adapter: {
      ...adapter,
      quote: (name: unknown): string => quoteIdentifier(String(name)),
    },
    sql_literal: (value: unknown): string =>
      typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : quoteLiteral(String(value)),
  };
}
