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
  return new StatementScanner(script).scan();
}

/**
 * A cursor over a script that skips quotes and comments whole, so that only a `;` outside them
 * ends a statement, and counts the lines it passes, so that each statement knows where it starts.
 */
class StatementScanner {
  readonly #script: string;
  readonly #statements: SqlStatement[] = [];
  /** Where the current statement starts. */
  #start = 0;
  #startLine = 1;
  #i = 0;
  #line = 1;
  #unterminated = false;

  constructor(script: string) {
    this.#script = script;
  }

  scan(): SplitResult {
    const script = this.#script;
    while (this.#i < script.length) {
      const ch = script[this.#i]!;
      const next = script[this.#i + 1];
      if (ch === '\n') {
        this.#line++;
        this.#i++;
      } else if (ch === '-' && next === '-') this.#skipLineComment();
      else if (ch === '/' && next === '*') this.#skipBlockComment();
      else if (ch === "'" || ch === '"') this.#skipQuoted(ch);
      else if (ch === '$' && !isWordChar(script[this.#i - 1])) this.#skipDollarQuoted();
      else if (ch === ';') this.#endStatement();
      else this.#i++;
    }
    const restRaw = script.slice(this.#start);
    return {
      statements: this.#statements,
      rest: hasCode(restRaw) ? restRaw.trim() : '',
      restLine: this.#startLine + leadingNewlines(restRaw),
      unterminated: this.#unterminated,
    };
  }

  /** Up to the newline, which the main loop counts. */
  #skipLineComment(): void {
    const end = this.#script.indexOf('\n', this.#i);
    this.#i = end === -1 ? this.#script.length : end;
  }

  /** `/* … *\/`, nested as in DuckDB's parser. */
  #skipBlockComment(): void {
    const script = this.#script;
    let depth = 1;
    this.#i += 2;
    while (this.#i < script.length && depth > 0) {
      if (script[this.#i] === '/' && script[this.#i + 1] === '*') {
        depth++;
        this.#i += 2;
      } else if (script[this.#i] === '*' && script[this.#i + 1] === '/') {
        depth--;
        this.#i += 2;
      } else {
        if (script[this.#i] === '\n') this.#line++;
        this.#i++;
      }
    }
    if (depth > 0) this.#unterminated = true;
  }

  /**
   * A string or quoted identifier closed by `quote`, where a doubled quote stands for itself and,
   * in an `E'…'` string, a backslash escapes the next character.
   */
  #skipQuoted(quote: string): void {
    const script = this.#script;
    const backslashEscapes =
      quote === "'" &&
      this.#i > 0 &&
      /[eE]/.test(script[this.#i - 1]!) &&
      !isWordChar(script[this.#i - 2]);
    this.#i++;
    while (this.#i < script.length) {
      const c = script[this.#i]!;
      if (c === '\n') this.#line++;
      if (backslashEscapes && c === '\\') {
        this.#i += 2;
        continue;
      }
      if (c === quote) {
        if (script[this.#i + 1] === quote) {
          this.#i += 2;
          continue;
        }
        this.#i++;
        return;
      }
      this.#i++;
    }
    this.#unterminated = true;
  }

  /** `$$…$$` or `$tag$…$tag$`; a `$` that opens neither is an ordinary character. */
  #skipDollarQuoted(): void {
    const script = this.#script;
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(this.#i, this.#i + 64));
    if (!tag) {
      this.#i++;
      return;
    }
    const end = script.indexOf(tag[0], this.#i + tag[0].length);
    const stop = end === -1 ? script.length : end + tag[0].length;
    for (let k = this.#i; k < stop; k++) if (script[k] === '\n') this.#line++;
    if (end === -1) this.#unterminated = true;
    this.#i = stop;
  }

  /** Records the statement ending at the `;` under the cursor, unless it holds no code. */
  #endStatement(): void {
    const raw = this.#script.slice(this.#start, this.#i);
    if (hasCode(raw)) {
      this.#statements.push({ text: raw.trim(), line: this.#startLine + leadingNewlines(raw) });
    }
    this.#i++;
    this.#start = this.#i;
    this.#startLine = this.#line;
  }
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
