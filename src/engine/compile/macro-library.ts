import nunjucks from 'nunjucks';
import type { ProjectIssue } from '../project/project-issue.js';
import type { ProjectSourceFile } from '../project/load-project.js';
import { BUILTIN_MACROS } from './builtin-macros.js';
import { rewriteTestBlocks } from './template-environment.js';
import { describeTemplateError } from './template-error.js';

/** Where one macro is defined. */
export interface MacroDefinition {
  readonly name: string;
  /** `builtin` for the runner's own generic tests. */
  readonly file: string;
  readonly line: number;
}

/**
 * All macros of a project compiled into one template, so that they can call each other and see
 * the calling node's context (`this`, `ref`, `config` …).
 */
export class MacroLibrary {
  private readonly template: nunjucks.Template;
  readonly macros: ReadonlyMap<string, MacroDefinition>;

  constructor(
    env: nunjucks.Environment,
    files: readonly ProjectSourceFile[],
    issues: ProjectIssue[],
  ) {
    const parts: string[] = [];
    const macros = new Map<string, MacroDefinition>();
    const add = (file: string, source: string): void => {
      const text = rewriteTestBlocks(source);
      parts.push(text);
      const pattern = /\{%-?\s*macro\s+([A-Za-z_]\w*)\s*\(/g;
      for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
        const at = text.slice(0, match.index).split('\n').length;
        macros.set(match[1]!, { name: match[1]!, file, line: at });
      }
    };
    add('builtin', BUILTIN_MACROS);
    for (const file of files) {
      try {
        new nunjucks.Template(rewriteTestBlocks(file.text), env, file.path, true);
        add(file.path, file.text);
      } catch (error) {
        const problem = describeTemplateError(error, 'compile');
        issues.push({
          file: file.path,
          ...(problem.line ? { line: problem.line } : {}),
          message: problem.message,
        });
      }
    }
    this.macros = macros;
    this.template = new nunjucks.Template(parts.join('\n'), env, 'macros', true);
  }

  /** The macros bound to a render context (they see its `this`, `ref`, `config` …). */
  bind(context: Record<string, unknown>): Record<string, unknown> {
    let exported: Record<string, unknown> = {};
    let failure: unknown;
    const template = this.template as unknown as {
      getExported(context: object, callback: (error: unknown, result: unknown) => void): void;
    };
    template.getExported(context, (error: unknown, result: unknown) => {
      if (error) failure = error;
      else exported = result as Record<string, unknown>;
    });
    if (failure) throw failure;
    // An error raised inside a macro is reported at the caller's line; say which macro it came from.
    const bound: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(exported)) {
      const definition = this.macros.get(name);
      if (typeof value !== 'function' || !definition || definition.file === 'builtin') {
        bound[name] = value;
        continue;
      }
      const macro = value as (...args: unknown[]) => unknown;
      bound[name] = function (this: unknown, ...args: unknown[]): unknown {
        try {
          return macro.apply(this, args);
        } catch (error) {
          if (error instanceof Error && !error.message.includes(' (in macro ')) {
            error.message += ` (in macro ${name}, ${definition.file}:${definition.line})`;
          }
          throw error;
        }
      };
    }
    return bound;
  }
}
