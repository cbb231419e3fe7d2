import { dirname, join } from 'node:path';
import { describe, expect } from 'vitest';
import {
  jsonMetricNumber,
  formatMetricNumber,
} from '../src/app/explore/health/format-health-report.js';
import { runHealthCommand } from '../src/app/explore/health/run-health.js';
import { UserError } from '../src/base/errors/user-error.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { it as base } from './support/fixtures.js';

/** Each test's warehouse file, `w.duckdb` in a temporary folder of its own; not created. */
const it = base.extend<{ db: string }>({
  db: async ({ tempDir }, use) => use(join(tempDir('dw-health-'), 'w.duckdb')),
});

async function buildFixture(
  db: string,
  reconciliationPassed: boolean,
  withOrder = true,
): Promise<void> {
  await withWarehouse(db, {}, async ({ connection }) => {
    // Stored out of report order: the report follows metric_order, never the alphabet.
    await connection.run(`create table audit_health as select * from (values
      ('late_messages', 3, 12::double, 10::double, 'warn'),
      ('total_messages', 1, 1234, null, 'ok'),
      ('duplicate_rate', 2, 0.0123, 0.05, 'ok')) as t(metric, metric_order, value, threshold, status)`);
    if (!withOrder) await connection.run('alter table audit_health drop column metric_order');
    await connection.run(`create table audit_reconciliation as select * from (values
      ('bronze_rows_equal_landed', 1234::bigint, 1234::bigint, true),
      ('silver_unique', 1000, ${reconciliationPassed ? 1000 : 999}, ${reconciliationPassed})) as t(check_name, expected, actual, passed)`);
  });
}

describe('npm run health', () => {
  it('prints metrics with value, threshold and status, checks with expected and actual; exit 0 when all pass', async ({
    db,
    output,
  }) => {
    await buildFixture(db, true);
    expect(await runHealthCommand({ dbPath: db })).toBe(0);
    expect(output.out).toMatch(/total_messages +1,234 +— +ok/);
    expect(output.out).toMatch(/duplicate_rate +0\.0123 +0\.05 +ok/);
    expect(output.out).toMatch(/late_messages +12 +10 +WARN/);
    expect(output.out).toMatch(/bronze_rows_equal_landed +1,234 +1,234 +passed/);
    expect(output.out).toContain('all 2 reconciliation checks passed; 1 of 3 metrics warn.');
    const order = ['total_messages', 'duplicate_rate', 'late_messages'];
    expect(order.map((m) => output.out.indexOf(m))).toEqual(
      order.map((m) => output.out.indexOf(m)).sort((a, b) => a - b),
    );
  });

  it('asks for a rebuild, without a stack trace, when audit_health lacks a column it reads (exit 2)', async ({
    db,
  }) => {
    await buildFixture(db, true, false);
    const failure = await runHealthCommand({ dbPath: db }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).exitCode).toBe(2);
    expect((failure as UserError).message).toMatch(
      /metric_order.*Run `npm run build-models` to rebuild them/s,
    );
  });

  it('exits 1 when a reconciliation check failed, naming it', async ({ db, output }) => {
    await buildFixture(db, false);
    expect(await runHealthCommand({ dbPath: db })).toBe(1);
    expect(output.out).toMatch(/silver_unique +1,000 +999 +FAILED/);
    expect(output.out).toContain('1 of 2 reconciliation checks FAILED');
  });

  it('prints a machine-readable object with --json', async ({ db, output }) => {
    await buildFixture(db, false);
    expect(await runHealthCommand({ dbPath: db, json: true })).toBe(1);
    const report = JSON.parse(output.out) as Record<string, unknown>;
    expect(report).toMatchObject({ ok: false, failedChecks: 1, warnings: 1 });
    expect(report['metrics']).toContainEqual({
      metric: 'late_messages',
      value: 12,
      threshold: 10,
      status: 'warn',
    });
    expect(report['checks']).toContainEqual({
      checkName: 'silver_unique',
      expected: 1000,
      actual: 999,
      passed: false,
    });
  });

  it('says to build first when the audit relations are missing (exit 2)', async ({ db }) => {
    await withWarehouse(db, {}, async ({ connection }) => {
      await connection.run(
        'create table audit_health (metric varchar, value double, threshold double, status varchar)',
      );
    });
    const error = await runHealthCommand({ dbPath: db }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as Error).message).toContain('no audit_reconciliation relation');
    expect((error as Error).message).toContain('npm run build-models');
  });

  it('the CLI exits 1 on a failed check, readable and with --json, without a stack trace', async ({
    db,
    runScript,
  }) => {
    await buildFixture(db, false);
    const readable = await runScript('health', ['--db', db]);
    expect(readable.code).toBe(1);
    expect(readable.stdout).toMatch(/^ {2}silver_unique +1,000 +999 +FAILED$/m);
    expect(readable.stdout).toContain('1 of 2 reconciliation checks FAILED; 1 of 3 metrics warn.');
    expect(readable.stderr).not.toMatch(/\n\s+at /);
    const json = await runScript('health', ['--db', db, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, failedChecks: 1, warnings: 1 });
  }, 120_000);

  it('exits 2 with a clear message from the CLI when the warehouse does not exist', async ({
    db,
    runScript,
  }) => {
    const result = await runScript('health', ['--db', join(dirname(db), 'none.duckdb')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('none.duckdb does not exist');
  });
});

describe('health numbers', () => {
  it('keeps BIGINT and DECIMAL exact for people and for JSON', () => {
    expect(formatMetricNumber(9007199254740993n)).toBe('9,007,199,254,740,993');
    expect(formatMetricNumber('12.50')).toBe('12.50');
    expect(formatMetricNumber('9074.00')).toBe('9,074'); // a count in the DECIMAL column
    expect(formatMetricNumber('-1234567.05')).toBe('-1,234,567.05');
    expect(formatMetricNumber('12345678901234567890.10')).toBe('12,345,678,901,234,567,890.10');
    expect(jsonMetricNumber(9007199254740993n)).toBe('9007199254740993');
    expect(jsonMetricNumber(12n)).toBe(12);
    expect(jsonMetricNumber('12.50')).toBe(12.5);
    expect(jsonMetricNumber('12345678901234567.89')).toBe('12345678901234567.89');
    expect(jsonMetricNumber(null)).toBeNull();
  });
});
