/** A template problem with the 1-based line where it happened, when nunjucks knows it. */
export interface TemplateProblem {
  readonly line?: number;
  readonly message: string;
}

/** Error thrown by `exceptions.raise_compiler_error` and the context functions (unknown var …). */
export class CompilerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompilerError';
  }
}

/**
 * Turns a nunjucks error into a line and a one-line message. nunjucks prefixes its messages with
 * `(path) [Line N, Column M]`; the line is kept, the prefix dropped, and JS noise such as
 * `Error: ` removed so the user sees their mistake.
 */
export function describeTemplateError(
  error: unknown,
  phase: 'compile' | 'render' = 'render',
): TemplateProblem {
  const raw = error instanceof Error ? error.message : String(error);
  let line: number | undefined;
  // nunjucks counts lines from 1 in syntax errors but from 0 in render errors.
  const lineno = (error as { lineno?: unknown } | undefined)?.lineno;
  if (typeof lineno === 'number') line = phase === 'render' ? lineno + 1 : lineno;
  else {
    const position = /\[Line (\d+)(?:, Column \d+)?\]/.exec(raw);
    if (position) line = Number(position[1]) + (phase === 'render' ? 1 : 0);
  }
  const message = raw
    .replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\s*/s, '')
    .replace(/\((?:unknown path|[^)]*\.sql)\)(?: \[Line \d+(?:, Column \d+)?\])?\s*/g, '')
    .replace(/^(?:Template render error: )?(?:(?:Error|TypeError|CompilerError): )+/, '')
    .trim();
  return { line, message };
}
