import { splitArgs } from './template-arguments.js';

function stripChars(text: string, chars: unknown, left: boolean, right: boolean): string {
  const set =
    chars === undefined || chars === null
      ? '\\s'
      : String(chars).replace(/[\]\\^-]/g, (c) => `\\${c}`);
  let out = text;
  if (left) out = out.replace(new RegExp(`^[${set}]+`), '');
  if (right) out = out.replace(new RegExp(`[${set}]+$`), '');
  return out;
}

/** Python's `str.format` with `{}`, `{0}` and `{name}` fields (`{{`/`}}` for braces). */
function formatString(text: string, args: unknown[]): string {
  const { positional, kwargs } = splitArgs(args);
  let next = 0;
  return text.replace(/\{\{|\}\}|\{(\w*)(?:![rs])?(?::[^}]*)?\}/g, (match, field: string) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const value =
      field === ''
        ? positional[next++]
        : /^\d+$/.test(field)
          ? positional[Number(field)]
          : kwargs[field];
    return String(value);
  });
}

type StringMethod = (text: string) => (...args: any[]) => unknown;

/** The Python string methods dbt macros call; nunjucks' jinja-compat has only a few of them. */
export const STRING_METHODS: Record<string, StringMethod> = {
  lower: (s) => () => s.toLowerCase(),
  upper: (s) => () => s.toUpperCase(),
  strip: (s) => (chars) => stripChars(s, chars, true, true),
  lstrip: (s) => (chars) => stripChars(s, chars, true, false),
  rstrip: (s) => (chars) => stripChars(s, chars, false, true),
  startswith: (s) => (prefix) =>
    Array.isArray(prefix) ? prefix.some((p) => s.startsWith(p)) : s.startsWith(prefix),
  endswith: (s) => (suffix) =>
    Array.isArray(suffix) ? suffix.some((p) => s.endsWith(p)) : s.endsWith(suffix),
  replace: (s) => (old, replacement, count) =>
    count === undefined
      ? s.split(String(old)).join(String(replacement))
      : s
          .split(String(old))
          .reduce(
            (acc, part, i) => acc + (i === 0 ? '' : i <= count ? replacement : old) + part,
            '',
          ),
  split: (s) => (separator, max) => {
    const parts =
      separator === undefined || separator === null ? s.trim().split(/\s+/) : s.split(separator);
    if (max === undefined || max < 0 || parts.length <= max + 1) return parts;
    return [...parts.slice(0, max), parts.slice(max).join(separator ?? ' ')];
  },
  title: (s) => () => s.replace(/\w\S*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (s) => () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  format:
    (s) =>
    (...args) =>
      formatString(s, args),
  join: (s) => (items) => Array.from(items as Iterable<unknown>, String).join(s),
  find: (s) => (sub) => s.indexOf(sub),
  count: (s) => (sub) => s.split(sub).length - 1,
  isdigit: (s) => () => /^\d+$/.test(s),
  isalpha: (s) => () => /^[A-Za-z]+$/.test(s),
  isupper: (s) => () => s === s.toUpperCase() && s !== s.toLowerCase(),
  islower: (s) => () => s === s.toLowerCase() && s !== s.toUpperCase(),
  zfill: (s) => (width) => s.padStart(width, '0'),
};
