import nunjucks from 'nunjucks';
import { describeTemplateError } from '../compile/template-error.js';
import type { ParseSession } from './parse-session.js';

/**
 * `on-run-start` and `on-run-end` hooks must at least compile (they render when they run); an
 * error names the hook and its line in `dbt_project.yml`.
 */
export function checkHooks(session: ParseSession): void {
  const { file } = session.project;
  for (const [which, hooks, lines] of [
    ['start', file.onRunStart, file.onRunStartLines],
    ['end', file.onRunEnd, file.onRunEndLines],
  ] as const) {
    for (const [index, hook] of hooks.entries()) {
      try {
        new nunjucks.Template(hook, session.env, 'dbt_project.yml', true);
      } catch (error) {
        session.issues.push({
          file: 'dbt_project.yml',
          line: lines[index],
          message: `on-run-${which} hook #${index + 1}: template error: ${describeTemplateError(error, 'compile').message}`,
        });
      }
    }
  }
}
