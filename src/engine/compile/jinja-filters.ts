import type nunjucks from 'nunjucks';
import { PYTHON_GLOBALS } from './python-builtins.js';
import { asFloat, isFloat, isNumber } from './python-float.js';
import { splitArgs } from './template-arguments.js';

/** `a.b.c` looked up on an object, as Jinja's `attribute=` does. */
function attribute(item: any, path: string): unknown {
  let value = item;
  for (const part of String(path).split('.')) {
    if (value === null || value === undefined) return undefined;
    value = value instanceof Map ? value.get(part) : value[part];
  }
  return value;
}

/** Jinja's tests that nunjucks lacks (it has `defined`, `equalto`, `number`, `string` …). */
const EXTRA_TESTS: Record<string, (value: any, ...args: any[]) => boolean> = {
  in: (value, container) =>
    typeof container === 'string'
      ? container.includes(String(value))
      : container instanceof Map || container instanceof Set
        ? container.has(value)
        : Array.isArray(container)
          ? container.includes(value)
          : container !== null && typeof container === 'object' && Object.hasOwn(container, value),
  none: (value) => value === null || value === undefined,
  true: (value) => value === true,
  false: (value) => value === false,
  boolean: (value) => typeof value === 'boolean',
  integer: (value) => Number.isInteger(value),
  float: isFloat,
  number: isNumber,
  sequence: (value) => Array.isArray(value) || typeof value === 'string',
  '==': (value, other) => value === other,
  '!=': (value, other) => value !== other,
  '>': (value, other) => value > other,
  '>=': (value, other) => value >= other,
  '<': (value, other) => value < other,
  '<=': (value, other) => value <= other,
};

/** Jinja's `round` and `float` give floats: `{{ 4.6 | round }}` prints 5.0. */
function addFloatFilters(env: nunjucks.Environment): void {
  const round = (env as any).getFilter('round') as (...args: unknown[]) => number;
  env.addFilter('round', (...args: unknown[]) => asFloat(round(...args)));
  env.addFilter('float', (value: unknown, fallback: unknown = 0) => {
    const parsed = Number.parseFloat(String(value));
    return Number.isNaN(parsed) ? fallback : asFloat(parsed);
  });
}

/** Filters Jinja has and nunjucks lacks or implements differently, used by dbt packages. */
export function addJinjaFilters(env: nunjucks.Environment): void {
  for (const [name, test] of Object.entries(EXTRA_TESTS)) (env as any).addTest(name, test);
  const runTest = (name: string | undefined, value: unknown, args: unknown[]): boolean => {
    if (name === undefined) return Boolean(value);
    let test: ((...a: unknown[]) => boolean) | undefined;
    try {
      test = (env as any).getTest(name);
    } catch {
      test = undefined;
    }
    if (!test) throw new Error(`no test named '${name}'`);
    return Boolean(test.call(env, value, ...args));
  };
  const selectBy = (keep: boolean) =>
    function (items: unknown, ...rest: unknown[]): unknown[] {
      const [attr, testName, ...args] = rest as [string, string | undefined, ...unknown[]];
      return Array.from((items ?? []) as Iterable<unknown>).filter(
        (item) => runTest(testName, attribute(item, attr), args) === keep,
      );
    };
  addFloatFilters(env);
  env.addFilter('selectattr', selectBy(true));
  env.addFilter('rejectattr', selectBy(false));
  env.addFilter('map', function (this: unknown, items: unknown, ...rest: unknown[]) {
    const { positional, kwargs } = splitArgs(rest);
    const list = Array.from((items ?? []) as Iterable<unknown>);
    if (kwargs['attribute'] !== undefined) {
      return list.map((item) => attribute(item, String(kwargs['attribute'])) ?? kwargs['default']);
    }
    const [filterName, ...args] = positional as [string, ...unknown[]];
    const filter = (env as any).getFilter(filterName) as (...a: unknown[]) => unknown;
    return list.map((item) => filter.call(this, item, ...args));
  });
  env.addFilter('unique', (items: unknown, ...rest: unknown[]) => {
    const { kwargs } = splitArgs(rest);
    const caseSensitive = kwargs['case_sensitive'] === true;
    const seen = new Set<unknown>();
    const out: unknown[] = [];
    for (const item of Array.from((items ?? []) as Iterable<unknown>)) {
      const raw =
        kwargs['attribute'] === undefined ? item : attribute(item, String(kwargs['attribute']));
      const key = typeof raw === 'string' && !caseSensitive ? raw.toLowerCase() : raw;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(item);
    }
    return out;
  });
  env.addGlobal('namespace', (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    return Object.assign({}, ...positional.filter((p) => p && typeof p === 'object'), kwargs);
  });
  for (const [name, value] of Object.entries(PYTHON_GLOBALS)) env.addGlobal(name, value);
  // `list` of any iterable (a set, a map's keys), as Python's list() and Jinja's filter take.
  env.addFilter('list', (value: unknown) => {
    if (typeof value === 'string') return [...value];
    if (value instanceof Map) return [...value.keys()];
    if (value !== null && typeof value === 'object' && Symbol.iterator in value)
      return [...(value as Iterable<unknown>)];
    if (value !== null && typeof value === 'object') return Object.keys(value);
    throw new Error(`list: ${JSON.stringify(value)} is not iterable`);
  });
  // Every filter takes a set as the list of its items (`s | sort`, `s | join(',')`).
  const filters = (env as any).filters as Record<string, (...args: unknown[]) => unknown>;
  for (const [name, filter] of Object.entries(filters)) {
    filters[name] = function (this: unknown, value: unknown, ...rest: unknown[]) {
      return filter.call(this, value instanceof Set ? [...value] : value, ...rest);
    };
  }
  env.addGlobal('zip', (...lists: unknown[]) => {
    const arrays = lists.map((list) => Array.from((list ?? []) as Iterable<unknown>));
    const length = Math.min(...arrays.map((a) => a.length));
    return Array.from({ length: arrays.length === 0 ? 0 : length }, (_, i) =>
      arrays.map((a) => a[i]),
    );
  });
}
