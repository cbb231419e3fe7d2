/**
 * Python's `set`, and equality and membership with Python's meaning, which dbt packages compare
 * with (`set(a) != set(b)`, `[1, 2] == [1, 2]`, `x in some_set`): JavaScript's `==` compares
 * lists, dicts and sets by identity, so two equal sets were always "different".
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

/** Python's `set`, with its methods on top of JavaScript's. */
export class PySet extends Set<unknown> {
  union(...others: Iterable<unknown>[]): PySet {
    return new PySet([...this, ...others.flatMap((other) => [...other])]);
  }
  intersection(...others: Iterable<unknown>[]): PySet {
    const sets = others.map((other) => new PySet(other));
    return new PySet([...this].filter((item) => sets.every((set) => set.has(item))));
  }
  difference(...others: Iterable<unknown>[]): PySet {
    const sets = others.map((other) => new PySet(other));
    return new PySet([...this].filter((item) => !sets.some((set) => set.has(item))));
  }
  symmetric_difference(other: Iterable<unknown>): PySet {
    const set = new PySet(other);
    return new PySet([...this.difference(set), ...set.difference(this)]);
  }
  issubset(other: Iterable<unknown>): boolean {
    const set = new PySet(other);
    return [...this].every((item) => set.has(item));
  }
  issuperset(other: Iterable<unknown>): boolean {
    return new PySet(other).issubset(this);
  }
  update(...others: Iterable<unknown>[]): string {
    for (const other of others) for (const item of other) this.add(item);
    return '';
  }
  remove(item: unknown): string {
    if (!this.delete(item)) throw new Error(`KeyError: ${String(item)}`);
    return '';
  }
  discard(item: unknown): string {
    this.delete(item);
    return '';
  }
  override toString(): string {
    return this.size === 0 ? 'set()' : `{${[...this].map(pyRepr).join(', ')}}`;
  }
}

/** Python's `==`: lists and dicts by content, sets as sets, None equal to an undefined name. */
export function pyEquals(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (left === null || left === undefined || right === null || right === undefined)
    return (left ?? null) === (right ?? null);
  // Values that know their own equality: dates, timedeltas, relations.
  const own = (left as { __eq__?: unknown }).__eq__;
  if (typeof own === 'function') return Boolean(own.call(left, right));
  if (left instanceof Set && right instanceof Set)
    return left.size === right.size && [...left].every((item) => right.has(item));
  if (Array.isArray(left) && Array.isArray(right))
    return left.length === right.length && left.every((item, i) => pyEquals(item, right[i]));
  const plain = (value: unknown): boolean =>
    typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
  if (plain(left) && plain(right)) {
    const a = left as Record<string, unknown>;
    const b = right as Record<string, unknown>;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && pyEquals(a[key], b[key]))
    );
  }
  // A float with an integral value is an object here (python-float.ts): equal by value.
  if (left instanceof Number || right instanceof Number) {
    const numeric = (value: unknown): boolean =>
      typeof value === 'number' || typeof value === 'boolean' || value instanceof Number;
    return numeric(left) && numeric(right) && Number(left) === Number(right);
  }
  if (typeof left === 'boolean' || typeof right === 'boolean')
    return typeof left !== 'object' && typeof right !== 'object' && Number(left) === Number(right);
  if (left instanceof String || right instanceof String) return String(left) === String(right);
  return false;
}

/** dbt's context functions that Jinja lacks: `set`, `local_md5`, `fromjson`, `toyaml` … */
export const PYTHON_GLOBALS: Readonly<Record<string, (...args: any[]) => unknown>> = {
  set: (items?: Iterable<unknown>) => new PySet(items ?? []),
  set_strict: (items: Iterable<unknown>) => new PySet(items),
  local_md5: (text: unknown) => createHash('md5').update(String(text)).digest('hex'),
  tojson: (value: unknown) => JSON.stringify(value instanceof Set ? [...value] : value),
  fromjson: (text: unknown, fallback: unknown = null) => {
    try {
      return JSON.parse(String(text));
    } catch {
      return fallback;
    }
  },
  toyaml: (value: unknown) => stringifyYaml(value),
  fromyaml: (text: unknown, fallback: unknown = null) => {
    try {
      return parseYaml(String(text));
    } catch {
      return fallback;
    }
  },
};

/** `==`/`!=` compiled to {@link pyEquals}; `in` over sets and maps. */
export function patchEquality(Compiler: any, runtime: any): void {
  runtime.pyEquals = pyEquals;
  const compileCompare = Compiler.prototype.compileCompare;
  Compiler.prototype.compileCompare = function (this: any, node: any, frame: any) {
    const op = node.ops.length === 1 ? node.ops[0] : undefined;
    if (op?.type !== '==' && op?.type !== '!=') return compileCompare.call(this, node, frame);
    this._emit(op.type === '==' ? 'runtime.pyEquals(' : '!runtime.pyEquals(');
    this.compile(node.expr, frame);
    this._emit(', ');
    this.compile(op.expr, frame);
    this._emit(')');
  };
  const inOperator = runtime.inOperator;
  runtime.inOperator = (key: unknown, value: unknown): boolean => {
    if (value instanceof Set || value instanceof Map) return value.has(key);
    if (Array.isArray(value)) return value.some((item) => pyEquals(item, key));
    return inOperator(key, value);
  };
}

/** Python's `repr` of a value inside a printed list or dict. */
function pyRepr(value: unknown): string {
  if (typeof value === 'string' || value instanceof String) {
    const text = String(value);
    const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
    const escaped = text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
    return `${quote}${quote === "'" ? escaped.replaceAll("'", "\\'") : escaped}${quote}`;
  }
  return pyStr(value);
}

/**
 * Python's `str` of a value, as Jinja prints it: `None`, `True`/`False`, lists and dicts in
 * Python's notation (`['a', 1]`, `{'k': 'v'}`, which DuckDB also reads as list and struct
 * literals); an undefined name prints nothing, as in Jinja; anything else as it prints itself.
 */
export function pyStr(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value instanceof PySet) return value.toString();
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([key]) => key !== '__keywords',
    );
    return `{${entries.map(([key, item]) => `${pyRepr(key)}: ${pyRepr(item)}`).join(', ')}}`;
  }
  return String(value);
}

/** `{{ value }}` and `a ~ b` print values as Python does ({@link pyStr}). */
export function patchOutput(Compiler: any, runtime: any): void {
  const suppressValue = runtime.suppressValue;
  runtime.suppressValue = (value: unknown, autoescape: boolean): unknown =>
    typeof value === 'string' ||
    (value !== null && typeof value === 'object' && value.constructor?.name === 'SafeString')
      ? suppressValue(value, autoescape)
      : suppressValue(pyStr(value), autoescape);
  runtime.pyConcat = (left: unknown, right: unknown): string => pyStr(left) + pyStr(right);
  Compiler.prototype.compileConcat = function (this: any, node: any, frame: any) {
    this._emit('runtime.pyConcat(');
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
}
