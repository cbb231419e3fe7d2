import { CompilerError } from './template-error.js';

/** A query's result as a render reads it: column names and types, rows as plain values. */
export interface QueryTable {
  readonly columnNames: readonly string[];
  readonly columnTypes: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** How many queries one node's render may run before it is taken for a loop. */
const MAX_QUERIES = 200;

/**
 * The warehouse as templates query it while they render (`run_query`, `{% call statement %}`,
 * `adapter.get_columns_in_relation`): rendering is synchronous and the warehouse is not, so a
 * render that reaches a query not answered yet records it and stops; the runner runs it and
 * renders again from the start. The answers are kept in the order the template asked, so each
 * query the template makes runs exactly once, in order, however many times it renders, as dbt
 * runs each call once: a write such as `run_query("insert …")` is not repeated, and two equal
 * calls run twice. A render that asks for a different query at the same point than the one before
 * (its SQL holds the time, or a random value) cannot be replayed and is an error.
 */
export class WarehouseQueries {
  private readonly answers: { readonly sql: string; readonly answer: QueryTable | Error }[] = [];
  private pendingSql: string | undefined;
  private cursor = 0;

  /** Starts a render: its queries are matched with the answers from the first. */
  startRender(): void {
    this.cursor = 0;
    this.pendingSql = undefined;
  }

  /** The result of the render's next query, or a stop of this render until the runner has run it. */
  result(sql: string): QueryTable {
    const index = this.cursor++;
    const known = this.answers[index];
    if (known) {
      if (known.sql !== sql) {
        throw new CompilerError(
          `query #${index + 1} of this template changed between renders (does its SQL hold the time or a random value?): it was ${JSON.stringify(known.sql.slice(0, 120))}, now ${JSON.stringify(sql.slice(0, 120))}`,
        );
      }
      if (known.answer instanceof Error) throw new CompilerError(known.answer.message);
      return known.answer;
    }
    if (index >= MAX_QUERIES)
      throw new CompilerError(
        `a render ran more than ${MAX_QUERIES} queries (run_query or statement in a loop?)`,
      );
    this.pendingSql ??= sql;
    throw new CompilerError(`the warehouse has not answered yet: ${sql.slice(0, 80)}`);
  }

  /** The query the last render stopped at, cleared; undefined when it asked for nothing new. */
  takePending(): string | undefined {
    const sql = this.pendingSql;
    this.pendingSql = undefined;
    return sql;
  }

  /** Records what the warehouse answered to the pending query (a failure is raised where asked). */
  store(sql: string, answer: QueryTable | Error): void {
    this.answers.push({ sql, answer });
  }
}
