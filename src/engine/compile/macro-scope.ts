import nunjucks from 'nunjucks';
import { CompilerError } from './template-error.js';

/** Where one macro is defined. */
export interface MacroDefinition {
  readonly name: string;
  /** `builtin` for the runner's own generic tests. */
  readonly file: string;
  readonly line: number;
  /** The namespace it belongs to: the root project's name, a package's, or `dbt`. */
  readonly packageName: string;
}

/** One namespace compiled: its template, its macros, and those of its files that did not compile. */
export interface Namespace {
  readonly name: string;
  readonly template: nunjucks.Template;
  readonly macros: Map<string, MacroDefinition>;
  /** Macros of files that did not compile, with the reason: calling one raises it. */
  readonly broken: Map<string, string>;
}

type NunjucksContext = { ctx: Record<string, unknown>; getExported(): Record<string, unknown> };
type ContextClass = new (ctx: object, blocks: object, env: unknown) => NunjucksContext;
let contextClass: ContextClass | undefined;

/** nunjucks' Context class, which it does not export: the `this` of any function a template calls. */
function nunjucksContextClass(env: unknown): ContextClass {
  if (contextClass) return contextClass;
  const probe = new nunjucks.Template('{{ grab() }}', env as nunjucks.Environment, 'probe', true);
  probe.render({
    grab(this: { constructor: ContextClass }) {
      contextClass = this.constructor;
      return '';
    },
  });
  return contextClass!;
}

/**
 * One namespace's macros, made once, with the scope they look names up in: their own macros,
 * `fixed` names (other namespaces, and the root project's macros for a package) and the names of
 * the render context last written, which never replace a fixed name.
 */
export class MacroScope {
  /** The macros as callers get them, each naming itself in the errors raised inside it. */
  readonly bound: Record<string, unknown> = {};
  private readonly scope: Record<string, unknown>;
  private readonly fixed: Set<string>;
  private written: string[] = [];

  constructor(space: Namespace, fixed: Record<string, unknown>, qualify: boolean) {
    const template = space.template as unknown as {
      env: unknown;
      compile(): void;
      rootRenderFunc(
        env: unknown,
        context: unknown,
        frame: unknown,
        runtime: unknown,
        cb: (error: unknown) => void,
      ): void;
    };
    template.compile();
    const Context = nunjucksContextClass(template.env);
    const context = new Context({}, {}, template.env);
    const runtime = (nunjucks as unknown as { runtime: { Frame: new () => { topLevel: boolean } } })
      .runtime;
    const frame = new runtime.Frame();
    frame.topLevel = true;
    let failure: unknown;
    template.rootRenderFunc(template.env, context, frame, runtime, (error) => {
      failure = error;
    });
    if (failure) throw failure;
    this.scope = context.ctx;
    // Every macro, `_private` ones included: nunjucks exports only the others, but dbt calls
    // them through their namespace (`dbt_utils._is_relation(...)`).
    const raw: Record<string, unknown> = {};
    for (const name of space.macros.keys()) if (name in context.ctx) raw[name] = context.ctx[name];
    for (const [name, value] of Object.entries(raw)) {
      const definition = space.macros.get(name);
      if (typeof value !== 'function' || !definition || definition.file === 'builtin') {
        this.bound[name] = value;
        continue;
      }
      const macro = value as (...args: unknown[]) => unknown;
      const label = qualify ? `${space.name}.${name}` : name;
      this.bound[name] = function (this: unknown, ...args: unknown[]): unknown {
        try {
          return macro.apply(this, args);
        } catch (error) {
          // An error raised inside a macro is reported at the caller's line; say which macro it came from.
          if (error instanceof Error && !error.message.includes(' (in macro ')) {
            error.message += ` (in macro ${label}, ${definition.file}:${definition.line})`;
          }
          throw error;
        }
      };
    }
    for (const [name, reason] of space.broken) {
      this.bound[name] = (): never => {
        throw new CompilerError(reason);
      };
      this.scope[name] ??= this.bound[name];
    }
    this.fixed = new Set(Object.keys(this.scope));
    for (const [name, value] of Object.entries(fixed)) {
      if (this.fixed.has(name)) continue;
      this.scope[name] = value;
      this.fixed.add(name);
    }
  }

  /** Makes `name` mean `value` to this namespace's macros, if it names one; returns the undo. */
  override(name: string, value: unknown): (() => void) | undefined {
    if (!(name in this.bound)) return undefined;
    const previous = this.scope[name];
    this.scope[name] = value;
    return () => {
      this.scope[name] = previous;
    };
  }

  /** Makes `context` (and `adapter`) the names the macros see, in place of the last render's. */
  write(context: Record<string, unknown>, adapter: unknown): void {
    const written: string[] = [];
    for (const key in context) {
      if (this.fixed.has(key)) continue;
      this.scope[key] = key === 'adapter' ? adapter : context[key];
      written.push(key);
    }
    if (!('adapter' in context) && !this.fixed.has('adapter')) {
      this.scope['adapter'] = adapter;
      written.push('adapter');
    }
    const current = new Set(written);
    for (const key of this.written) if (!current.has(key)) delete this.scope[key];
    this.written = written;
  }
}
