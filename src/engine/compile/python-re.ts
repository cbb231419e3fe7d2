/**
 * `modules.re` as dbt gives it to templates: Python's regular expressions (`sub`, `match`,
 * `search`, `fullmatch`, `findall`, `split`, `compile`, `escape` and the flags) on JavaScript's
 * engine, with Python's syntax translated (`(?P<name>…)`, `(?P=name)`, `\A`, `\Z`, leading inline
 * flags such as `(?i)`, and `\1` / `\g<name>` in replacements).
 */
import { splitArgs } from './template-arguments.js';
import { CompilerError } from './template-error.js';

const FLAGS = {
  I: 2,
  IGNORECASE: 2,
  M: 8,
  MULTILINE: 8,
  S: 16,
  DOTALL: 16,
  X: 64,
  VERBOSE: 64,
  A: 256,
  ASCII: 256,
};

/**
 * Python's anchors in JavaScript's terms: `\A` and `\Z` are the very start and end, and `$`
 * outside MULTILINE also matches before a newline that ends the text. Escapes and character
 * classes are skipped over, so `\\A` and `[$]` stay what they are.
 */
function translateAnchors(source: string, multiline: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += char + next;
    } else if (inClass) {
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
      // A `]` first in a class (or after `^`) is a literal, not its end.
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else if (char === '$' && !multiline) out += '(?=\\n?(?![\\s\\S]))';
    else out += char;
  }
  return out;
}

function translate(pattern: string, flags: number): RegExp {
  let source = pattern;
  let jsFlags = 'u';
  const inline = /^\(\?([imsxa]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const flag of inline[1]!) flags |= FLAGS[flag.toUpperCase() as 'I'];
  }
  if (flags & 2) jsFlags += 'i';
  if (flags & 8) jsFlags += 'm';
  if (flags & 16) jsFlags += 's';
  if (flags & 64)
    source = source
      .replace(/\\#/g, '\u0000')
      .replace(/#.*$/gm, '')
      .replace(/\s+/g, '')
      .replace(/\u0000/g, '\\#');
  source = translateAnchors(
    source.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>'),
    (flags & 8) !== 0,
  );
  try {
    return new RegExp(source, jsFlags);
  } catch (error) {
    // Python accepts escapes that JavaScript's unicode mode refuses (`\-` outside a class, …).
    try {
      return new RegExp(source, jsFlags.replace('u', ''));
    } catch {
      throw new CompilerError(
        `re: invalid pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`,
      );
    }
  }
}

/** Python's match object. */
class Match {
  constructor(
    private readonly found: RegExpExecArray,
    readonly string: string,
  ) {}
  group(...which: unknown[]): unknown {
    const one = (key: unknown): unknown => {
      const value =
        typeof key === 'string' ? this.found.groups?.[key] : this.found[Number(key ?? 0)];
      return value ?? null;
    };
    return which.length <= 1 ? one(which[0]) : which.map(one);
  }
  groups(): unknown[] {
    return this.found.slice(1).map((value) => value ?? null);
  }
  groupdict(): Record<string, unknown> {
    return { ...(this.found.groups ?? {}) };
  }
  start(): number {
    return this.found.index;
  }
  end(): number {
    return this.found.index + this.found[0].length;
  }
  span(): number[] {
    return [this.start(), this.end()];
  }
}

/** Python's replacement template for one match: `\1`, `\g<1>`, `\g<name>`, `\g<0>`, `\\`, `\n`, `\t`. */
function expand(repl: string, found: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const ch = repl[i]!;
    if (ch !== '\\' || i === repl.length - 1) {
      out += ch;
      continue;
    }
    const rest = repl.slice(i + 1);
    const numbered = /^\d{1,2}/.exec(rest);
    const named = /^g<(\w+)>/.exec(rest);
    if (numbered) {
      out += found[Number(numbered[0])] ?? '';
      i += numbered[0].length;
    } else if (named) {
      const key = named[1]!;
      out += (/^\d+$/.test(key) ? found[Number(key)] : found.groups?.[key]) ?? '';
      i += named[0].length;
    } else {
      const next = rest[0]!;
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next === '\\' ? '\\' : `\\${next}`;
      i += 1;
    }
  }
  return out;
}

/** A compiled pattern (`re.compile`), whose methods take the string first. */
class Pattern {
  private readonly regex: RegExp;
  constructor(
    readonly pattern: string,
    readonly flags: number,
  ) {
    this.regex = translate(pattern, flags);
  }
  private with(extra: string): RegExp {
    return new RegExp(this.regex.source, [...new Set(this.regex.flags + extra)].join(''));
  }
  match(text: unknown): Match | null {
    const regex = this.with('y');
    const found = regex.exec(String(text));
    return found ? new Match(found, String(text)) : null;
  }
  fullmatch(text: unknown): Match | null {
    const regex = new RegExp(`(?:${this.regex.source})$`, `${this.regex.flags}y`);
    const found = regex.exec(String(text));
    return found ? new Match(found, String(text)) : null;
  }
  search(text: unknown): Match | null {
    const found = this.regex.exec(String(text));
    return found ? new Match(found, String(text)) : null;
  }
  findall(text: unknown): unknown[] {
    return [...String(text).matchAll(this.with('g'))].map((found) =>
      found.length === 1
        ? found[0]
        : found.length === 2
          ? (found[1] ?? '')
          : found.slice(1).map((g) => g ?? ''),
    );
  }
  sub(repl: unknown, text: unknown, count = 0): string {
    const whole = String(text);
    let left = Number(count) > 0 ? Number(count) : Infinity;
    return whole.replace(this.with('g'), (...args: unknown[]) => {
      // JavaScript passes the match, its groups, the offset, the string and the named groups.
      const named =
        typeof args.at(-1) === 'object' ? (args.at(-1) as Record<string, string>) : undefined;
      const tail = named ? 3 : 2;
      const match = String(args[0]);
      if (left <= 0) return match;
      left -= 1;
      const found = Object.assign([match, ...(args.slice(1, args.length - tail) as string[])], {
        index: args.at(-tail) as number,
        input: whole,
        groups: named,
      }) as RegExpExecArray;
      if (typeof repl === 'function') return String(repl(new Match(found, whole)));
      return expand(String(repl), found);
    });
  }
  split(text: unknown, maxsplit = 0): unknown[] {
    const whole = String(text);
    const regex = this.with('g');
    const out: unknown[] = [];
    let last = 0;
    let splits = 0;
    for (let found = regex.exec(whole); found; found = regex.exec(whole)) {
      if (maxsplit > 0 && splits >= maxsplit) break;
      if (found[0] === '') {
        regex.lastIndex += 1;
        continue;
      }
      out.push(whole.slice(last, found.index), ...found.slice(1).map((group) => group ?? null));
      last = found.index + found[0].length;
      splits += 1;
    }
    out.push(whole.slice(last));
    return out;
  }
}

function flagsOf(kwargs: Record<string, unknown>, positional: unknown): number {
  return Number(kwargs['flags'] ?? positional ?? 0);
}

/** The `re` module. */
export function pythonRe(): Record<string, unknown> {
  const call =
    (method: 'match' | 'fullmatch' | 'search' | 'findall') =>
    (...args: unknown[]): unknown => {
      const { positional, kwargs } = splitArgs(args);
      return new Pattern(String(positional[0]), flagsOf(kwargs, positional[2]))[method](
        positional[1],
      );
    };
  return {
    ...FLAGS,
    compile: (...args: unknown[]) => {
      const { positional, kwargs } = splitArgs(args);
      return new Pattern(String(positional[0]), flagsOf(kwargs, positional[1]));
    },
    match: call('match'),
    fullmatch: call('fullmatch'),
    search: call('search'),
    findall: call('findall'),
    sub: (...args: unknown[]) => {
      const { positional, kwargs } = splitArgs(args);
      const [pattern, repl, text, count] = positional;
      return new Pattern(String(pattern), flagsOf(kwargs, positional[4])).sub(
        repl,
        text,
        Number(kwargs['count'] ?? count ?? 0),
      );
    },
    split: (...args: unknown[]) => {
      const { positional, kwargs } = splitArgs(args);
      return new Pattern(String(positional[0]), flagsOf(kwargs, positional[3])).split(
        positional[1],
        Number(kwargs['maxsplit'] ?? positional[2] ?? 0),
      );
    },
    escape: (text: unknown) => String(text).replace(/[.*+?^${}()|[\]\\\-#&~\s]/g, '\\$&'),
  };
}
