import { readFileSync } from 'node:fs';
import { splitStatements } from '../../src/app/explore/sql/split-statements.js';
import { openWarehouse } from '../../src/base/warehouse/open-warehouse.js';
import { countRows, queryNumber } from './count-rows.js';
import type { Job } from './job.js';

const NAIVE_SQL = new URL('./naive.sql', import.meta.url);

/** Values substituted into naive.sql; thresholds as the project's defaults. */
const NAIVE_PARAMETERS: Readonly<Record<string, string>> = {
  watermark_minutes: '60',
  max_duplicate_rate: '0.25',
  max_late_rate: '0.05',
  max_out_of_order_rate: '0.25',
  max_missing_rate: '0.05',
  max_conflict_rate: '0.01',
  max_rejected_rate: '0.01',
};

/** The data tests the full build runs, as queries counting failures (each must return 0). */
const NAIVE_TESTS: Readonly<Record<string, string>> = {
  silver_key_unique: `select count(*) - count(distinct (message_id, sequence_id, partition_id)) from naive.silver_events`,
  silver_hash_unique: `select count(*) - count(distinct composite_hash) from naive.silver_events`,
  silver_key_not_null: `select count(*) from naive.silver_events
    where message_id is null or sequence_id is null or partition_id is null`,
  transaction_unique: `select count(*) - count(distinct transaction_id) from naive.silver_transactions`,
  transaction_not_null: `select count(*) from naive.silver_transactions where transaction_id is null`,
  reconciliation_passed: `select count(*) from naive.audit_reconciliation where not passed`,
};

/** Failures of the warn-only test (accepted event types): reported, never fatal. */
const ACCEPTED_EVENT_TYPES = `select count(*) from naive.silver_events
  where event_type not in ('authorized', 'captured', 'refunded', 'failed')`;

/** The naive SQL with its placeholders filled in, split into statements. */
export function naiveStatements(): string[] {
  const text = readFileSync(NAIVE_SQL, 'utf8').replace(
    /\{\{\s*(\w+)\s*\}\}/g,
    (_, name: string) => {
      const value = NAIVE_PARAMETERS[name];
      if (value === undefined) throw new Error(`naive.sql: unknown placeholder {{ ${name} }}`);
      return value;
    },
  );
  return splitStatements(text).map((statement) => statement.text);
}

/**
 * The naive peer (see naive.sql): rebuilds everything from the landed rows with straightforward
 * SQL in schema `naive`, then runs the same data tests as the build. A failing test is an error:
 * the peer must do the same job correctly to be a fair comparison.
 */
export const naiveJob: Job = {
  name: 'naive',
  async run(context, timer) {
    const statements = naiveStatements();
    const warehouse = await openWarehouse(context.dbPath, context.settings);
    try {
      const { connection } = warehouse;
      const recordsIn = await countRows(connection, 'raw_messages');
      const failures = await timer.time(async () => {
        for (const statement of statements) await connection.run(statement);
        const failed: Record<string, number> = {};
        for (const [name, sql] of Object.entries(NAIVE_TESTS))
          failed[name] = await queryNumber(connection, sql);
        return failed;
      });
      const failing = Object.entries(failures).filter(([, count]) => count > 0);
      if (failing.length > 0) {
        throw new Error(
          `naive peer failed its data tests: ${failing.map(([name, n]) => `${name} (${n})`).join(', ')}`,
        );
      }
      const recordsOut = await queryNumber(connection, 'select count(*) from naive.silver_events');
      return {
        recordsIn,
        recordsOut,
        details: {
          late_rows: await queryNumber(connection, 'select count(*) from naive.silver_late_events'),
          transactions: await queryNumber(
            connection,
            'select count(*) from naive.silver_transactions',
          ),
          unaccepted_event_types: await queryNumber(connection, ACCEPTED_EVENT_TYPES),
        },
      };
    } finally {
      warehouse.close();
    }
  },
};
