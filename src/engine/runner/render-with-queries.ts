import { WarehouseQueries } from '../compile/warehouse-queries.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';

/**
 * Renders with the warehouse at hand: `render` runs again each time the template stopped at a
 * query not answered yet (see {@link WarehouseQueries}), after the runner ran it. A failing query
 * is answered with its error, which the template raises where it asked, with its line.
 */
export async function renderWithQueries<T>(
  sql: SqlExecutor,
  render: (queries: WarehouseQueries) => T,
): Promise<T> {
  const queries = new WarehouseQueries();
  for (;;) {
    let outcome: { value: T } | { error: unknown };
    queries.startRender();
    try {
      outcome = { value: render(queries) };
    } catch (error) {
      outcome = { error };
    }
    const pending = queries.takePending();
    if (pending === undefined) {
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    }
    try {
      queries.store(pending, await sql.table(pending));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      queries.store(pending, new Error(`query failed: ${message.split('\n')[0]}`));
    }
  }
}
