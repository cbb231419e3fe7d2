import nunjucks from 'nunjucks';
import { installJinjaSyntax, withExtraArguments } from './jinja-syntax.js';
import { addJinjaFilters } from './jinja-filters.js';
import { CompilerError } from './template-error.js';

type MacroFunction = (...args: unknown[]) => unknown;
type MakeMacro = (argNames: string[], kwargNames: string[], func: MacroFunction) => MacroFunction;

interface ReturnSlot {
  set: boolean;
  value: unknown;
}

const returnSlots: ReturnSlot[] = [];

/** Thrown by `return(value)` to leave the macro; only the macro that owns `slot` catches it. */
class MacroReturned extends Error {
  constructor(readonly slot: ReturnSlot) {
    super('return() outside the macro that called it');
  }
}
let installed = false;

/**
 * Process-wide nunjucks setup, done once: Jinja compatibility (`True`, `None`, `.items()`,
 * `.append()`, slices) and dbt's `return(value)` for macros (the macro call then evaluates to
 * `value` instead of its text).
 */
function installOnce(): void {
  if (installed) return;
  installed = true;
  // First, so that jinja-compat's slice parsing wraps the patched aggregate parser.
  installJinjaSyntax();
  nunjucks.installJinjaCompat();
  preferOwnMethods();
  const runtime = nunjucks.runtime as unknown as { makeMacro: MakeMacro };
  const makeMacro = runtime.makeMacro;
  runtime.makeMacro = (argNames, kwargNames, func) =>
    withExtraArguments(
      argNames,
      kwargNames,
      makeMacro(argNames, kwargNames, function (this: unknown, ...args: unknown[]) {
        const slot: ReturnSlot = { set: false, value: undefined };
        returnSlots.push(slot);
        try {
          return func.apply(this, args);
        } catch (error) {
          if (error instanceof MacroReturned && error.slot === slot) return slot.value;
          throw error;
        } finally {
          returnSlots.pop();
        }
      }),
    );
}

/**
 * Jinja compatibility gives every object Python's dict methods (`.values()`, `.items()`, `.get()`),
 * ahead of the object's own: an object that has a method of that name (an agate column's
 * `values()`) keeps it.
 */
function preferOwnMethods(): void {
  type Lookup = (obj: unknown, val: unknown, ...rest: unknown[]) => unknown;
  const runtime = nunjucks.runtime as unknown as { memberLookup: Lookup };
  const compat = runtime.memberLookup;
  runtime.memberLookup = function (this: unknown, obj, val, ...rest) {
    if (obj !== null && typeof obj === 'object' && typeof val === 'string') {
      const member = (obj as Record<string, unknown>)[val];
      if (
        typeof member === 'function' &&
        member !== (Object.prototype as Record<string, unknown>)[val]
      ) {
        // A callable namespace (`datetime.datetime`, callable with `.now()`) keeps its members.
        if (Object.keys(member).length > 0) return member;
        return (...args: unknown[]) => (member as (...a: unknown[]) => unknown).apply(obj, args);
      }
    }
    return compat.call(this, obj, val, ...rest);
  };
}

/** dbt's `return(value)`: leaves the innermost macro, which evaluates to `value`. */
export function macroReturn(value: unknown): never {
  const slot = returnSlots.at(-1);
  if (!slot) throw new CompilerError('return() can only be used inside a macro');
  slot.set = true;
  slot.value = value;
  throw new MacroReturned(slot);
}

/** `{% do expr %}`: evaluates an expression for its effect, outputs nothing (Jinja's `do`). */
class DoExtension {
  readonly tags = ['do'];
  parse(parser: any, nodes: any): unknown {
    const token = parser.nextToken();
    const expression = parser.parseExpression();
    parser.advanceAfterBlockEnd(token.value);
    return new nodes.CallExtension(
      this,
      'run',
      new nodes.NodeList(token.lineno, token.colno, [expression]),
    );
  }
  run(): string {
    return '';
  }
}

/** The nunjucks environment every template of a project is compiled with (no autoescape). */
export function createTemplateEnvironment(): nunjucks.Environment {
  installOnce();
  const env = new nunjucks.Environment(null, {
    autoescape: false,
    throwOnUndefined: false,
    dev: true,
  });
  env.addExtension('do', new DoExtension());
  env.addFilter('tojson', (value: unknown) => JSON.stringify(value));
  env.addFilter('as_text', (value: unknown) => String(value));
  env.addFilter(
    'as_bool',
    (value: unknown) => value === true || value === 'True' || value === 'true',
  );
  env.addFilter('as_number', (value: unknown) => Number(value));
  addJinjaFilters(env);
  return env;
}

/**
 * Rewrites dbt's `{% test name(...) %}…{% endtest %}` blocks into macros named `test_<name>`
 * (how dbt stores them), keeping line numbers unchanged.
 */
export function rewriteTestBlocks(source: string): string {
  return source
    .replace(/\{%(-?)\s*test\s+([A-Za-z_]\w*)\s*\(/g, '{%$1 macro test_$2(')
    .replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
}
