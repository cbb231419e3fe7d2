import type { ParsedProject } from '../parser/parse-project.js';
import { renderHook } from '../compile/render-node.js';
import { describeTemplateError } from '../compile/template-error.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';
import { renderWithQueries } from './render-with-queries.js';

/** Runs the `on-run-start`/`on-run-end` hooks; returns an error message or undefined. */
export async function runProjectHooks(
  parsed: ParsedProject,
  sql: SqlExecutor,
  which: 'start' | 'end',
): Promise<string | undefined> {
  const file = parsed.project.file;
  const hooks = which === 'start' ? file.onRunStart : file.onRunEnd;
  const lines = which === 'start' ? file.onRunStartLines : file.onRunEndLines;
  for (const [index, hook] of hooks.entries()) {
    const line = lines[index];
    let rendered = '';
    try {
      rendered = await renderWithQueries(sql, (queries) =>
        renderHook(parsed, hook, undefined, queries),
      );
      if (rendered) await sql.run(rendered);
    } catch (error) {
      const problem = describeTemplateError(error);
      return `on-run-${which} hook #${index + 1} (dbt_project.yml${line !== undefined ? `:${line}` : ''}) failed: ${problem.message}`;
    }
  }
  return undefined;
}
