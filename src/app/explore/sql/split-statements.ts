/** One statement found in a SQL script, with the 1-based line it starts on. */
export interface SqlStatement {
  /** The statement's text, trimmed, without its terminating `;`. */
  readonly text: string;
  /** 1-based line of the script where the statement starts (for error messages). */
  readonly line: number;
}

/** The outcome of scanning a script: its complete statements and any unterminated tail. */
export interface SplitResult {
  /** Statements terminated by a `;` outside quotes and comments. */
  readonly statements: SqlStatement[];
  /** Text after the last `;` (trimmed); empty when the script ends with a complete statement. */
  readonly rest: string;
  /** 1-based line where `rest` starts. */
  readonly restLine: number;
  /** True when the script ends inside a quote, a dollar-quoted string or a block comment. */
  readonly unterminated: boolean;
}

/**
 * Splits a SQL script into statements on `;`, ignoring semicolons inside single-quoted strings
 * (`'it''s'`, `E'\''`), double-quoted identifiers, dollar-quoted strings (`$$…$$`, `$tag$…$tag$`),
 * line comments (`-- …`) and block comments (`/* … *\/`, nested as in DuckDB's parser).
 * Statements that hold only whitespace or comments are dropped.
 */
export function scanStatements(script: string): SplitResult {
  const statements: SqlStatement[] = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let i = 0;
  let unterminated = false;
  const n = script.length;

  const push = (end: number): void => {
    const raw = script.slice(start, end);
    if (hasCode(raw)) statements.push({ text: raw.trim(), line: startLine + leadingNewlines(raw) });
  };

  while (i < n) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '\n') {
      line++;
      i++;
    } else if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? n : end;
    } else if (ch === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (script[i] === '/' && script[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (script[i] === '*' && script[i + 1] === '/') {
          depth--;
          i += 2;
        } else {
          if (script[i] === '\n') line++;
          i++;
        }
      }
      if (depth > 0) unterminated = true;
    } else if (ch === "'" || ch === '"') {
      const backslashEscapes =
        ch === "'" && i > 0 && /[eE]/.test(script[i - 1]!) && !isWordChar(script[i - 2]);
      i++;
      let closed = false;
      while (i < n) {
        const c = script[i]!;
        if (c === '\n') line++;
        if (backslashEscapes && c === '\\') {
          i += 2;
          continue;
        }
        if (c === ch) {
          if (script[i + 1] === ch) {
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        i++;
      }
      if (!closed) unterminated = true;
    } else if (ch === '$' && !isWordChar(script[i - 1])) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 64));
      if (tag) {
        const end = script.indexOf(tag[0], i + tag[0].length);
        const stop = end === -1 ? n : end + tag[0].length;
        for (let k = i; k < stop; k++) if (script[k] === '\n') line++;
        if (end === -1) unterminated = true;
        i = stop;
      } else {
        i++;
      }
    } else if (ch === ';') {
      push(i);
      i++;
      start = i;
      startLine = line;
    } else {
      i++;
    }
  }
  const restRaw = script.slice(start);
  const rest = hasCode(restRaw) ? restRaw.trim() : '';
  return { statements, rest, restLine: startLine + leadingNewlines(restRaw), unterminated };
}

/**
 * Splits a script into statements (see {@link scanStatements}); a final statement without a
 * terminating `;` is included, so `select 1; select 2` gives two statements.
 */
export function splitStatements(script: string): SqlStatement[] {
  const result = scanStatements(script);
  if (result.rest === '') return result.statements;
  return [...result.statements, { text: result.rest, line: result.restLine }];
}

/**
 * True when interactive input is ready to run: it ends with a `;` outside quotes and comments
 * (only whitespace or comments after it). Used by the prompt to decide whether to read another line.
 */
export function isCompleteInput(input: string): boolean {
  const result = scanStatements(input);
  return !result.unterminated && result.rest === '' && result.statements.length > 0;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_]/.test(ch);
}

/** True when the text holds something besides whitespace and comments. */
function hasCode(text: string): boolean {
  return stripComments(text).trim() !== '';
}

function stripComments(text: string): string {
  return text.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?(\*\/|$)/g, '');
}

function leadingNewlines(raw: string): number {
  const lead = /^\s*/.exec(raw)?.[0] ?? '';
  return lead.split('\n').length - 1;
}
