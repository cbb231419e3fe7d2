import { createHash } from 'node:crypto';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';
import { quoteIdentifier, quoteLiteral } from '../../base/warehouse/quote.js';
import type { GraphNode } from '../graph/graph-node.js';
import { runDataTest, type TestOutcome } from './run-data-test.js';

/**
 * Checkpoints of data tests that check only new rows (test config `new_rows_by: <column>`).
 *
 * The column must not be changed in place; new rows should have greater values (`_offset`). Rows
 * whose value is null are always checked; new rows at or below the checked value change the
 * count below, so they make the next run check everything.
 *
 * A test with `new_rows_by` checks the whole relation the first time. When it passes with no
 * failing row, {@link runCheckpointedTest} records, in the warehouse, the greatest value of that column it checked
 * and how many rows were at or below it. The next run checks only the rows above that value (for
 * uniqueness tests: against all the rows below it too), which is enough as long as the checked rows
 * have not changed. So the whole relation is checked again when:
 * - there is no checkpoint, or the test's whole-relation SQL changed since it was recorded;
 * - the relation no longer has exactly the recorded number of rows at or below the value
 *   (rows deleted or added in the checked range);
 * - the model was rebuilt from scratch (first build, `--full-refresh`: the materializer drops its
 *   checkpoints in the same transaction);
 * - the run has `--full-refresh` (also `test --full-refresh`);
 * A checkpoint is recorded only after a run whose query returned no row (a failing or warning run
 * leaves the last clean checkpoint, so the next run checks the failing rows again).
 * Rows of the checked range changed outside the runner without changing their count (an UPDATE,
 * or a DELETE and an INSERT of as many rows) are not seen; `--full-refresh` checks everything
 * again. `where` cannot be combined with `new_rows_by` (rows it hides could enter it later).
 */

export const CHECKPOINT_SCHEMA = 'dbt_internal';
export const CHECKPOINT_TABLE = `${quoteIdentifier(CHECKPOINT_SCHEMA)}.${quoteIdentifier('test_checkpoints')}`;

/** Which test, on which relation and column, with which whole-relation SQL. */
interface CheckpointKey {
  readonly testId: string;
  /** The tested relation, rendered (`"main"."silver_events"`). */
  readonly relation: string;
  readonly column: string;
  /** {@link sqlFingerprint} of the test's whole-relation SQL. */
  readonly fingerprint: string;
}

/** The checkpoint's identity of a test's whole-relation SQL. */
function sqlFingerprint(wholeRelationSql: string): string {
  return createHash('sha256').update(wholeRelationSql).digest('hex');
}

async function checkpointTableExists(sql: SqlExecutor): Promise<boolean> {
  const rows = await sql.rows(
    `select 1 as found from duckdb_tables()
     where database_name = current_database() and schema_name = ${quoteLiteral(CHECKPOINT_SCHEMA)}
       and table_name = 'test_checkpoints'`,
  );
  return rows.length > 0;
}

/**
 * The rows above which `testId` may check only new rows of `relation`, or null for the whole
 * relation (see the module comment for when).
 */
async function readCheckpoint(
  sql: SqlExecutor,
  input: CheckpointKey & { readonly fullRefresh: boolean },
): Promise<string | null> {
  if (input.fullRefresh || !(await checkpointTableExists(sql))) return null;
  const rows = await sql.rows(
    `select checked_through, checked_rows::varchar as checked_rows
     from ${CHECKPOINT_TABLE}
     where test_id = ${quoteLiteral(input.testId)}
       and relation = ${quoteLiteral(input.relation)}
       and new_rows_by = ${quoteLiteral(input.column)}
       and sql_fingerprint = ${quoteLiteral(input.fingerprint)}`,
  );
  const row = rows[0];
  if (!row || row['checked_through'] === null) return null;
  const through = quoteLiteral(String(row['checked_through']));
  const counted = await sql.rows(
    `select count(*)::varchar as n from ${input.relation}
     where ${quoteIdentifier(input.column)} <= ${through}`,
  );
  if (String(counted[0]?.['n']) !== String(row['checked_rows'])) return null;
  return through;
}

/**
 * Records that every row of `relation` up to the greatest `column` value passed `testId`. Call it
 * in the transaction that ran the test, so that it describes the rows the test saw.
 */
async function recordCheckpoint(sql: SqlExecutor, input: CheckpointKey): Promise<void> {
  await sql.run(`create schema if not exists ${quoteIdentifier(CHECKPOINT_SCHEMA)}`);
  await sql.run(
    `create table if not exists ${CHECKPOINT_TABLE} (
        test_id varchar primary key,
        relation varchar not null,
        new_rows_by varchar not null,
        sql_fingerprint varchar not null,
        checked_through varchar,
        checked_rows bigint not null,
        checked_at timestamptz not null
    )`,
  );
  const column = quoteIdentifier(input.column);
  await sql.run(
    `insert or replace into ${CHECKPOINT_TABLE}
     select ${quoteLiteral(input.testId)}, ${quoteLiteral(input.relation)},
            ${quoteLiteral(input.column)}, ${quoteLiteral(input.fingerprint)},
            max(${column})::varchar, count(${column}), now()
     from ${input.relation}`,
  );
}

/** A data test configured with `new_rows_by`, on the relation of the model it is attached to. */
export interface CheckpointedTest {
  /** The attached model's relation, rendered (`"main"."silver_events"`). */
  readonly relation: string;
  /** The test's `new_rows_by` column. */
  readonly column: string;
  /** The test's SQL over the whole relation. */
  readonly wholeRelation: string;
  /** The run's `--full-refresh`: check the whole relation whatever the checkpoint says. */
  readonly fullRefresh: boolean;
  /** The test's SQL over the rows above `checkedThrough` (a quoted SQL literal). */
  renderAbove(checkedThrough: string): Promise<string>;
  /** Receives the SQL that is about to run (the runner writes it to `target/compiled/`). */
  writeCompiled(compiled: string): void;
}

/**
 * Runs a data test configured with `new_rows_by` in one transaction with its checkpoint: it checks
 * only the rows above its checkpoint when it has a valid one, and records a new checkpoint when it
 * passes with no failing row (see the module comment).
 */
export async function runCheckpointedTest(
  sql: SqlExecutor,
  node: GraphNode,
  test: CheckpointedTest,
): Promise<TestOutcome> {
  const checkpoint: CheckpointKey = {
    testId: node.uniqueId,
    relation: test.relation,
    column: test.column,
    fingerprint: sqlFingerprint(test.wholeRelation),
  };
  return sql.transaction(async () => {
    const checkedThrough = await readCheckpoint(sql, {
      ...checkpoint,
      fullRefresh: test.fullRefresh,
    });
    const compiled =
      checkedThrough === null ? test.wholeRelation : await test.renderAbove(checkedThrough);
    test.writeCompiled(compiled);
    const outcome = await runDataTest(sql, node, compiled);
    // Only a run whose query returned no row at all (whatever fail_calc made of the rows).
    if (outcome.status === 'pass' && outcome.failingRows === 0)
      await recordCheckpoint(sql, checkpoint);
    return outcome;
  });
}

/** Drops the checkpoints of every test of `relation` (it was rebuilt from scratch). */
export async function dropCheckpoints(sql: SqlExecutor, relation: string): Promise<void> {
  if (!(await checkpointTableExists(sql))) return;
  await sql.run(`delete from ${CHECKPOINT_TABLE} where relation = ${quoteLiteral(relation)}`);
}
