/**
 * dbt's `{{ return(value) }}` ends the macro there, as a Python exception would; the macro
 * wrapper (template-environment.ts) catches it. nunjucks compiles a macro body to code that swaps
 * the enclosing `frame` variable for the macro's own and swaps it back only on its last line, so a
 * macro left early would leave its caller reading the macro's variables. The patch wraps every
 * compiled macro body in `try { … } finally { frame = callerFrame; }`.
 */
export function patchMacroFrames(Compiler: any): void {
  const compileMacro = Compiler.prototype._compileMacro;
  Compiler.prototype._compileMacro = function (this: any, node: any, frame: any) {
    const start: number = this.codebuf.length;
    const result = compileMacro.call(this, node, frame);
    const code: string[] = this.codebuf;
    const header = code.findIndex(
      (line, i) => i >= start && line.includes('kwargs = kwargs || {};'),
    );
    const end = code.length - 1;
    const restore = code[end - 2] ?? '';
    const returns = code[end - 1] ?? '';
    if (
      header < 0 ||
      !/^frame = (callerFrame|frame\.pop\(\));/.test(restore) ||
      !returns.startsWith('return new runtime.SafeString(') ||
      !(code[end] ?? '').startsWith('});')
    ) {
      throw new Error('internal error: nunjucks compiled a macro in an unexpected shape');
    }
    code[end - 2] = '';
    code[end - 1] = `${returns}} finally { frame = callerFrame; }\n`;
    code.splice(header + 1, 0, 'try {\n');
    return result;
  };
}
