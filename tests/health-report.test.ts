import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  jsonMetricNumber,
  formatMetricNumber,
} from '../src/app/explore/health/format-health-report.js';
import { runHealthCommand } from '../src/app/explore/health/run-health.js';
import { UserError } from '../src/base/errors/user-error.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { captureConsole, type CapturedConsole } from './support/console-capture.js';

let dir: string;
let db: string;
let console_: CapturedConsole;

async function buildFixture(reconciliationPassed: boolean, withOrder = true): Promise<void> {
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

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dw-health-'));
  db = join(dir, 'w.duckdb');
  console_ = captureConsole();
});
afterEach(() => {
  console_.restore();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run health', () => {
  it('prints metrics with value, threshold and status, checks with expected and actual; exit 0 when all pass', async () => {
    await buildFixture(true);
    expect(await runHealthCommand({ dbPath: db })).toBe(0);
    expect(console_.out).toMatch(/total_messages +1,234 +— +ok/);
    expect(console_.out).toMatch(/duplicate_rate +0\.0123 +0\.05 +ok/);
    expect(console_.out).toMatch(/late_messages +12 +10 +WARN/);
    expect(console_.out).toMatch(/bronze_rows_equal_landed +1,234 +1,234 +passed/);
    expect(console_.out).toContain('all 2 reconciliation checks passed; 1 of 3 metrics warn.');
    const order = ['total_messages', 'duplicate_rate', 'late_messages'];
    expect(order.map((m) => console_.out.indexOf(m))).toEqual(
      order.map((m) => console_.out.indexOf(m)).sort((a, b) => a - b),
    );
  });

  it('asks for a rebuild, without a stack trace, when audit_health lacks a column it reads (exit 2)', async () => {
    await buildFixture(true, false);
    const failure = await runHealthCommand({ dbPath: db }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).exitCode).toBe(2);
    expect((failure as UserError).message).toMatch(
      /metric_order.*Run `npm run build-models` to rebuild them/s,
    );
  });

  it('exits 1 when a reconciliation check failed, naming it', async () => {
    await buildFixture(false);
    expect(await runHealthCommand({ dbPath: db })).toBe(1);
    expect(console_.out).toMatch(/silver_unique +1,000 +999 +FAILED/);
    expect(console_.out).toContain('1 of 2 reconciliation checks FAILED');
  });

  it('prints a machine-readable object with --json', async () => {
    await buildFixture(false);
    expect(await runHealthCommand({ dbPath: db, json: true })).toBe(1);
    const report = JSON.parse(console_.out) as Record<string, unknown>;
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

  it('says to build first when the audit relations are missing (exit 2)', async () => {
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

  it('the CLI exits 1 on a failed check, readable and with --json, without a stack trace', async () => {
    await buildFixture(false);
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/health.ts', '--db', db, ...args], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
    const readable = run([]);
    expect(readable.status).toBe(1);
    expect(readable.stdout).toMatch(/^ {2}silver_unique +1,000 +999 +FAILED$/m);
    expect(readable.stdout).toContain('1 of 2 reconciliation checks FAILED; 1 of 3 metrics warn.');
    expect(readable.stderr).not.toMatch(/\n\s+at /);
    const json = run(['--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, failedChecks: 1, warnings: 1 });
  });

  it('exits 2 with a clear message from the CLI when the warehouse does not exist', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/health.ts', '--db', join(dir, 'none.duckdb')],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(2);
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
