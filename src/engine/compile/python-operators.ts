/**
 * Python's meaning of the operators and truth tests that nunjucks compiles to JavaScript's: an
 * empty list or dict is false, `+` joins lists, `*` repeats strings and lists, `%` formats a string.
 */

import { divide, floorDivide, keepFloat, numericModulo } from './python-float.js';

/** Python truthiness: empty strings, lists, dicts, sets and maps are false, as are 0 and None. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Number) return value.valueOf() !== 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (value instanceof String) return value.length > 0;
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  )
    return Object.keys(value).some((key) => key !== '__keywords');
  return Boolean(value);
}

/** `left.__add__` or `left.__sub__`, as Python dispatches `+` and `-` on dates and timedeltas. */
function dunder(
  left: unknown,
  name: '__add__' | '__sub__',
): ((right: unknown) => unknown) | undefined {
  const method = (left as Record<string, unknown> | null)?.[name];
  return typeof method === 'function'
    ? (method as (right: unknown) => unknown).bind(left)
    : undefined;
}

export function add(left: unknown, right: unknown): unknown {
  if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
  const own = dunder(left, '__add__');
  if (own) return own(right);
  return keepFloat(left, right, (left as number) + (right as number));
}

export function subtract(left: unknown, right: unknown): unknown {
  const own = dunder(left, '__sub__');
  return own ? own(right) : keepFloat(left, right, (left as number) - (right as number));
}

export function multiply(left: unknown, right: unknown): unknown {
  const repeat = (value: unknown, times: unknown): unknown =>
    typeof value === 'string' || value instanceof String
      ? String(value).repeat(Math.max(0, Number(times)))
      : Array.isArray(value)
        ? Array.from({ length: Math.max(0, Number(times)) }, () => value).flat()
        : undefined;
  if (typeof right === 'number') {
    const repeated = repeat(left, right);
    if (repeated !== undefined) return repeated;
  }
  if (typeof left === 'number') {
    const repeated = repeat(right, left);
    if (repeated !== undefined) return repeated;
  }
  return keepFloat(left, right, (left as number) * (right as number));
}

/** `"%s-%d" % (a, b)`: printf-style formatting with %s, %r, %d, %i, %f (with precision) and %%. */
export function modulo(left: unknown, right: unknown): unknown {
  if (typeof left !== 'string' && !(left instanceof String)) return numericModulo(left, right);
  const values = Array.isArray(right) ? [...right] : [right];
  let next = 0;
  return String(left).replace(/%(?:\((\w+)\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifr%])/g, (...m) => {
    const [, key, , , precision, kind] = m as [
      string,
      string | undefined,
      string,
      string,
      string | undefined,
      string,
    ];
    if (kind === '%') return '%';
    const value = key !== undefined ? (right as Record<string, unknown>)?.[key] : values[next++];
    if (kind === 'd' || kind === 'i') return String(Math.trunc(Number(value)));
    if (kind === 'f') return Number(value).toFixed(precision === undefined ? 6 : Number(precision));
    if (kind === 'r' && typeof value === 'string') return `'${value}'`;
    return String(value);
  });
}

/**
 * Conditions, `not`, `and` and `or` with Python's truth (`[]` and `{}` are false; `a or b` is `a`
 * when `a` is true, else `b`), and `+`, `*`, `%` with Python's meaning on lists and strings.
 */
export function patchOperators(nodes: any, Compiler: any, runtime: any): void {
  const Truthy = nodes.Node.extend('Truthy', { fields: ['target'] });
  runtime.truthy = truthy;
  runtime.pyAdd = add;
  runtime.pyMul = multiply;
  runtime.pySub = subtract;
  runtime.pyMod = modulo;
  runtime.pyDiv = divide;
  runtime.pyFloorDiv = floorDivide;
  Compiler.prototype.compileTruthy = function (this: any, node: any, frame: any) {
    this._emit('runtime.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  const compileExpression = Compiler.prototype._compileExpression;
  Compiler.prototype._compileExpression = function (this: any, node: any, frame: any) {
    if (node instanceof Truthy) return this.compileTruthy(node, frame);
    return compileExpression.call(this, node, frame);
  };
  const wrapCondition = (name: string): void => {
    const original = Compiler.prototype[name];
    if (typeof original !== 'function') return;
    Compiler.prototype[name] = function (this: any, node: any, ...rest: any[]) {
      if (!(node.cond instanceof Truthy))
        node.cond = new Truthy(node.cond.lineno, node.cond.colno, node.cond);
      return original.call(this, node, ...rest);
    };
  };
  wrapCondition('compileIf');
  wrapCondition('compileIfAsync');
  wrapCondition('compileInlineIf');
  Compiler.prototype.compileNot = function (this: any, node: any, frame: any) {
    this._emit('!runtime.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  // `a or b` is `a` when `a` is true, else `b`; `a and b` is `b` when `a` is true, else `a`.
  const logical = (name: string, whenTrue: 'left' | 'right'): void => {
    Compiler.prototype[name] = function (this: any, node: any, frame: any) {
      this._emit(
        whenTrue === 'left' ? '((l) => runtime.truthy(l) ? l : (' : '((l) => runtime.truthy(l) ? (',
      );
      this.compile(node.right, frame);
      this._emit(whenTrue === 'left' ? ')) (' : ') : l)(');
      this.compile(node.left, frame);
      this._emit(')');
    };
  };
  logical('compileOr', 'left');
  logical('compileAnd', 'right');
  // Each sets the line first, so that an error it raises (a division by zero) names its line.
  const binary = (name: string, helper: string): void => {
    Compiler.prototype[name] = function (this: any, node: any, frame: any) {
      this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.${helper}(`);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit('))');
    };
  };
  binary('compileAdd', 'pyAdd');
  binary('compileMul', 'pyMul');
  binary('compileSub', 'pySub');
  binary('compileMod', 'pyMod');
  binary('compileDiv', 'pyDiv');
  binary('compileFloorDiv', 'pyFloorDiv');
}
