import nunjucks from 'nunjucks';
import type { DispatchOrder } from '../project/project-file.js';
import type { ProjectIssue } from '../project/project-issue.js';
import { BUILTIN_MACROS } from './builtin-macros.js';
import { CROSS_DATABASE_MACROS } from './cross-database-macros.js';
import { MacroScope, type MacroDefinition, type Namespace } from './macro-scope.js';
import { splitArgs } from './template-arguments.js';
import { rewriteTestBlocks } from './template-environment.js';
import { CompilerError, describeTemplateError } from './template-error.js';

/** dbt's namespace for its own macros: the built-in generic tests and cross-database macros. */
export const INTERNAL_NAMESPACE = 'dbt';

/** The adapter's dispatch prefixes, most specific first, as dbt searches them. */
const DISPATCH_PREFIXES = ['duckdb', 'default'] as const;

/** Macro files of one namespace (the root project or an installed package). */
export interface MacroSource {
  readonly name: string;
  readonly files: readonly { readonly path: string; readonly text: string }[];
}

/** A generic test's macro: the expression that calls it and where it is defined. */
export interface FoundMacro {
  readonly call: string;
  readonly definition: MacroDefinition;
}

const MACRO_PATTERN = /\{%-?\s*macro\s+([A-Za-z_]\w*)\s*\(/g;

function definedMacros(text: string, file: string, packageName: string): MacroDefinition[] {
  const found: MacroDefinition[] = [];
  for (let match = MACRO_PATTERN.exec(text); match; match = MACRO_PATTERN.exec(text)) {
    const line = text.slice(0, match.index).split('\n').length;
    found.push({ name: match[1]!, file, line, packageName });
  }
  MACRO_PATTERN.lastIndex = 0;
  return found;
}

/**
 * The macros of a project and of its installed packages, each namespace compiled into one
 * template so that its macros call each other and see the calling node's context (`this`, `ref`,
 * `config` …). Namespaces follow dbt: the root project's macros (over the built-in ones) are
 * global; a package's are called through its name (`dbt_utils.star(...)`) and, inside the package,
 * by their bare names; `adapter.dispatch` searches the `dispatch:` order of `dbt_project.yml` (by
 * default the root project, then the named package) for `duckdb__<name>`, then `default__<name>`.
 */
export class MacroLibrary {
  /** The root project's macros over the built-in ones: the names every template calls bare. */
  readonly macros: ReadonlyMap<string, MacroDefinition>;
  /** Package files that did not compile; their macros raise the reason when called. */
  readonly warnings: readonly string[];
  private readonly root: Namespace;
  private readonly internal: Namespace;
  private readonly packages: readonly Namespace[];

  constructor(
    env: nunjucks.Environment,
    private readonly rootName: string,
    rootFiles: MacroSource['files'],
    packages: readonly MacroSource[],
    private readonly dispatchOrders: readonly DispatchOrder[],
    issues: ProjectIssue[],
  ) {
    const warnings: string[] = [];
    const builtin = [
      { path: 'builtin', text: BUILTIN_MACROS },
      { path: 'builtin', text: CROSS_DATABASE_MACROS },
    ];
    this.internal = compileNamespace(env, INTERNAL_NAMESPACE, builtin, issues, warnings, false);
    this.root = compileNamespace(
      env,
      rootName,
      [...builtin, ...rootFiles],
      issues,
      warnings,
      false,
    );
    this.packages = packages.map((pkg) =>
      compileNamespace(env, pkg.name, pkg.files, issues, warnings, true),
    );
    this.macros = this.root.macros;
    this.warnings = warnings;
    const known = new Set([rootName, INTERNAL_NAMESPACE, ...packages.map((p) => p.name)]);
    for (const order of dispatchOrders) {
      const unknown = order.searchOrder.filter((name) => !known.has(name));
      if (unknown.length > 0)
        issues.push({
          file: 'dbt_project.yml',
          message: `dispatch: the search_order of ${order.macroNamespace} names ${unknown.join(', ')}, which is neither the project nor an installed package`,
        });
    }
  }

  /** Every macro definition of every namespace (for `manifest.json`). */
  allMacros(): MacroDefinition[] {
    const all = [...this.internal.macros.values()];
    for (const macro of this.root.macros.values()) if (macro.file !== 'builtin') all.push(macro);
    for (const pkg of this.packages) all.push(...pkg.macros.values());
    return all;
  }

  /** Installed package names, in load order. */
  packageNames(): string[] {
    return this.packages.map((pkg) => pkg.name);
  }

  /**
   * The macro `name` as a generic test finds it: in `namespace` when given (a package, the
   * project's name or `dbt`), else the root project's (and built-in) macros, then the packages.
   */
  find(name: string, namespace?: string): FoundMacro | undefined {
    if (namespace === undefined) {
      const own = this.root.macros.get(name);
      if (own) return { call: name, definition: own };
      for (const pkg of this.packages) {
        const found = pkg.macros.get(name);
        if (found) return { call: `${pkg.name}.${name}`, definition: found };
      }
      return undefined;
    }
    const space = this.namespace(namespace);
    // The built-in copy of dbt_utils' unique_combination_of_columns serves projects that call it
    // without installing dbt_utils; an installed dbt_utils always wins.
    if (!space && namespace === 'dbt_utils') {
      const builtin = this.internal.macros.get(name);
      return builtin ? { call: `${INTERNAL_NAMESPACE}.${name}`, definition: builtin } : undefined;
    }
    const found = space?.macros.get(name);
    if (!space || !found) return undefined;
    return { call: space === this.root ? name : `${space.name}.${name}`, definition: found };
  }

  /** Names of macros in `namespace` (or in every namespace) starting with `prefix`, for suggestions. */
  namesStartingWith(prefix: string, namespace?: string): string[] {
    const spaces =
      namespace === undefined ? [this.root, ...this.packages] : [this.namespace(namespace)];
    return spaces.flatMap((space) =>
      space ? [...space.macros.keys()].filter((name) => name.startsWith(prefix)) : [],
    );
  }

  private namespace(name: string): Namespace | undefined {
    if (name === this.rootName) return this.root;
    if (name === INTERNAL_NAMESPACE) return this.internal;
    return this.packages.find((pkg) => pkg.name === name);
  }

  /**
   * The macros bound to a render context (they see its `this`, `ref`, `config` …): the root
   * project's by bare name, every namespace as an object of its macros, and `adapter.dispatch`.
   *
   * Each namespace's macros are made once and keep one scope, into which every bind writes the
   * render context's names: making every macro anew for every render (nunjucks' getExported) cost
   * more than the renders themselves once dbt's own macros were in. Renders are synchronous and
   * never nested, so the scope always holds the context of the render running.
   */
  bind(context: Record<string, unknown>, packageName?: string): Record<string, unknown> {
    const live = (this.live ??= this.makeLive());
    const adapter = {
      ...(context['adapter'] as Record<string, unknown> | undefined),
      dispatch: live.dispatch,
    };
    for (const scope of live.scopes) scope.write(context, adapter);
    // A package's own nodes call its macros by their bare names first, as its macros do.
    const own = packageName === undefined ? undefined : live.spaces[packageName];
    return own ? { ...live.exposed, ...own, adapter } : { ...live.exposed, adapter };
  }

  /**
   * Runs `render` with macros replaced by fixed values, as a unit test's `overrides: macros:` asks
   * (`current_timestamp: "'2020-01-01'"`, `dbt_utils.current_timestamp: …`), everywhere they are
   * called from: templates, and other macros by bare or qualified name. Restored afterwards.
   */
  withOverrides<T>(overrides: Readonly<Record<string, unknown>>, render: () => T): T {
    const live = (this.live ??= this.makeLive());
    const undo: (() => void)[] = [];
    const replace = (target: Record<string, unknown>, key: string, value: unknown): void => {
      if (!(key in target)) return;
      const previous = target[key];
      target[key] = value;
      undo.push(() => {
        target[key] = previous;
      });
    };
    for (const [name, value] of Object.entries(overrides)) {
      const macro = (): unknown => value;
      const dot = name.indexOf('.');
      const space = dot > 0 ? name.slice(0, dot) : undefined;
      const bare = dot > 0 ? name.slice(dot + 1) : name;
      for (const [spaceName, macros] of Object.entries(live.spaces)) {
        if (space !== undefined && spaceName !== space) continue;
        replace(macros as Record<string, unknown>, bare, macro);
        const restore = live.scopeOf.get(spaceName)?.override(bare, macro);
        if (restore) undo.push(restore);
      }
      if (space === undefined) replace(live.exposed as Record<string, unknown>, bare, macro);
    }
    try {
      return render();
    } finally {
      for (const step of undo.reverse()) step();
    }
  }

  private live?: LiveMacros;

  private makeLive(): LiveMacros {
    // Namespace objects are created first and filled after, so that macros of any namespace can
    // call those of any other, whatever the order in which they are made.
    const spaces: Record<string, Record<string, unknown>> = {
      [INTERNAL_NAMESPACE]: {},
      [this.rootName]: {},
    };
    for (const pkg of this.packages) spaces[pkg.name] = {};
    const dispatch = (...args: unknown[]): unknown => this.dispatch(spaces, args);
    const internal = new MacroScope(this.internal, spaces, true);
    Object.assign(spaces[INTERNAL_NAMESPACE]!, internal.bound);
    const root = new MacroScope(this.root, spaces, false);
    for (const [name, macro] of Object.entries(root.bound)) {
      if (this.root.macros.get(name)?.file !== 'builtin') spaces[this.rootName]![name] = macro;
    }
    // A package's macros see their own package first, then the root project's macros.
    const packages = this.packages.map(
      (pkg) => new MacroScope(pkg, { ...spaces, ...root.bound }, true),
    );
    packages.forEach((scope, i) => Object.assign(spaces[this.packages[i]!.name]!, scope.bound));
    return {
      dispatch,
      scopes: [internal, root, ...packages],
      scopeOf: new Map([
        [INTERNAL_NAMESPACE, internal],
        [this.rootName, root],
        ...this.packages.map((pkg, i): [string, MacroScope] => [pkg.name, packages[i]!]),
      ]),
      exposed: { ...spaces, ...root.bound },
      spaces,
    };
  }

  private dispatch(spaces: Record<string, Record<string, unknown>>, args: unknown[]): unknown {
    const { positional, kwargs } = splitArgs(args);
    const name = String(positional[0] ?? kwargs['macro_name'] ?? '');
    const rawNamespace = positional[1] ?? kwargs['macro_namespace'];
    const namespace =
      rawNamespace === undefined || rawNamespace === null ? undefined : String(rawNamespace);
    const configured = this.dispatchOrders.find((order) => order.macroNamespace === namespace);
    const order = configured
      ? configured.searchOrder
      : namespace === undefined
        ? [this.rootName, ...this.packageNames(), INTERNAL_NAMESPACE]
        : [this.rootName, namespace];
    for (const packageName of order) {
      const space = spaces[packageName];
      if (!space) continue;
      for (const prefix of DISPATCH_PREFIXES) {
        const macro = space[`${prefix}__${name}`];
        if (typeof macro === 'function') return macro;
      }
    }
    const call = `adapter.dispatch('${name}'${namespace === undefined ? '' : `, '${namespace}'`})`;
    if (namespace !== undefined && !spaces[namespace] && !configured)
      throw new CompilerError(
        `${call}: no package named ${namespace} is installed (run "npm run dbt -- deps")`,
      );
    throw new CompilerError(
      `${call}: no macro ${DISPATCH_PREFIXES.map((p) => `${p}__${name}`).join(' or ')} in ${order.join(', ')}`,
    );
  }
}

function compileNamespace(
  env: nunjucks.Environment,
  name: string,
  files: MacroSource['files'],
  issues: ProjectIssue[],
  warnings: string[],
  lenient: boolean,
): Namespace {
  const parts: string[] = [];
  const macros = new Map<string, MacroDefinition>();
  const broken = new Map<string, string>();
  for (const file of files) {
    const text = rewriteTestBlocks(file.text);
    const defined = definedMacros(text, file.path, name);
    try {
      if (file.path !== 'builtin') new nunjucks.Template(text, env, file.path, true);
      parts.push(text);
      for (const macro of defined) macros.set(macro.name, macro);
    } catch (error) {
      const problem = describeTemplateError(error, 'compile');
      const where = `${file.path}${problem.line ? `:${problem.line}` : ''}`;
      if (!lenient) {
        issues.push({
          file: file.path,
          ...(problem.line ? { line: problem.line } : {}),
          message: problem.message,
        });
        continue;
      }
      // A package file the template engine cannot read must not stop projects that never call
      // its macros; one that does call them gets the reason.
      warnings.push(
        `${where}: this package file does not compile (${problem.message}); calling its macros (${defined.map((m) => m.name).join(', ') || 'none'}) fails`,
      );
      for (const macro of defined) {
        macros.set(macro.name, macro);
        broken.set(
          macro.name,
          `${name}.${macro.name} (${where}) does not compile: ${problem.message}`,
        );
      }
    }
  }
  const template = new nunjucks.Template(parts.join('\n'), env, `macros of ${name}`, true);
  return { name, template, macros, broken };
}

interface LiveMacros {
  readonly dispatch: (...args: unknown[]) => unknown;
  readonly scopes: readonly MacroScope[];
  /** What templates see besides their context: every namespace, and the root's macros bare. */
  readonly exposed: Readonly<Record<string, unknown>>;
  /** Each namespace's scope, by the namespace's name. */
  readonly scopeOf: ReadonlyMap<string, MacroScope>;
  /** Each namespace's macros by name. */
  readonly spaces: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}
