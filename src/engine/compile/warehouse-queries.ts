import { CompilerError } from './template-error.js';

/** A query's result as a render reads it: column names and types, rows as plain values. */
export interface QueryTable {
  readonly columnNames: readonly string[];
  readonly columnTypes: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** How many distinct queries one render may ask for before it is taken for a loop. */
const MAX_QUERIES = 200;

/**
 * The warehouse as templates query it while they render (`run_query`, `{% call statement %}`,
 * `adapter.get_columns_in_relation`): rendering is synchronous and the warehouse is not, so a
 * render that asks for a result not known yet records the query and stops; the runner runs it and
 * renders again, until a render asks for nothing new. Each distinct SQL text runs once per node.
 */
export class WarehouseQueries {
  private readonly results = new Map<string, QueryTable | Error>();
  private pendingSql: string | undefined;

  /** The result of `sql`, or a stop of this render until the runner has run it. */
  result(sql: string): QueryTable {
    const known = this.results.get(sql);
    if (known instanceof Error) throw new CompilerError(known.message);
    if (known) return known;
    this.pendingSql ??= sql;
    throw new CompilerError(`the warehouse has not answered yet: ${sql.slice(0, 80)}`);
  }

  /** The query the last render stopped at, cleared; undefined when it asked for nothing new. */
  takePending(): string | undefined {
    const sql = this.pendingSql;
    this.pendingSql = undefined;
    if (sql !== undefined && this.results.size >= MAX_QUERIES) {
      throw new CompilerError(
        `a render ran more than ${MAX_QUERIES} distinct queries (run_query or statement in a loop?)`,
      );
    }
    return sql;
  }

  /** Records what the warehouse answered to `sql` (a failure is raised where the template asked). */
  store(sql: string, answer: QueryTable | Error): void {
    this.results.set(sql, answer);
  }
}
