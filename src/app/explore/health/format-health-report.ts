import { colors } from '../../../base/console/console.js';
import { formatStreamHealth, streamHealthJson } from './format-stream-health.js';
import type { HealthReport, MetricNumber } from './health-report.js';

/**
 * A number for people: `1,234`, `0.0123`, `—` for NULL. BIGINT and DECIMAL keep their exact
 * digits, grouped by thousands; a DECIMAL whose fraction is all zeros is shown as a whole
 * number (`9074.00` → `9,074`: the reconciliation's counts share a DECIMAL column with money).
 */
export function formatMetricNumber(value: MetricNumber): string {
  if (value === null) return '—';
  if (typeof value === 'bigint') return value.toLocaleString('en-US');
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value.toLocaleString('en-US');
    return Number(value.toPrecision(6)).toString();
  }
  const decimal = /^(-?)(\d+)(?:\.(\d*))?$/.exec(value);
  if (!decimal) return value;
  const [, sign, whole, fraction = ''] = decimal;
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return /^0*$/.test(fraction) ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}

/** A number for JSON: numbers stay numbers, BIGINT within 2^53 and DECIMAL strings become numbers when exact. */
export function jsonMetricNumber(value: MetricNumber): number | string | null {
  if (value === null || typeof value === 'number') return value;
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  const asNumber = Number(value);
  return Number.isFinite(asNumber) &&
    String(asNumber) === value.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')
    ? asNumber
    : value;
}

function table(header: string[], rows: string[][], rightAligned: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `  ${cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [colors.bold(line(header)), ...rows.map(line)];
}

/**
 * The readable report printed by `npm run health`: the health metrics (value, threshold, ok or
 * WARN), the reconciliation checks (expected, actual, passed or FAILED), the streams consumed
 * (when any) and a verdict line.
 */
export function formatHealthReport(report: HealthReport): string {
  const status = (s: string): string =>
    s === 'ok' ? colors.green('ok') : colors.yellow(s.toUpperCase());
  const metricRows = report.metrics.map((m) => [
    m.metric,
    formatMetricNumber(m.value),
    formatMetricNumber(m.threshold),
    status(m.status),
  ]);
  const checkRows = report.checks.map((c) => [
    c.checkName,
    formatMetricNumber(c.expected),
    formatMetricNumber(c.actual),
    c.passed ? colors.green('passed') : colors.red('FAILED'),
  ]);
  const verdict =
    report.failedChecks > 0
      ? colors.red(`${report.failedChecks} of ${report.checks.length} reconciliation checks FAILED`)
      : colors.green(`all ${report.checks.length} reconciliation checks passed`);
  const warnings =
    report.warnings > 0
      ? colors.yellow(`${report.warnings} of ${report.metrics.length} metrics warn`)
      : `${report.metrics.length} metrics ok`;
  return [
    colors.bold('Health (audit_health)'),
    ...(metricRows.length > 0
      ? table(['metric', 'value', 'threshold', 'status'], metricRows, [false, true, true, false])
      : ['  (no metrics)']),
    '',
    colors.bold('Reconciliation (audit_reconciliation)'),
    ...(checkRows.length > 0
      ? table(['check', 'expected', 'actual', 'result'], checkRows, [false, true, true, false])
      : ['  (no checks)']),
    '',
    ...formatStreamHealth(report.streams),
    `${verdict}; ${warnings}.`,
  ].join('\n');
}

/** The machine-readable report printed by `npm run health -- --json`. */
export function healthReportJson(report: HealthReport): object {
  return {
    ok: report.failedChecks === 0,
    failedChecks: report.failedChecks,
    warnings: report.warnings,
    metrics: report.metrics.map((m) => ({
      metric: m.metric,
      value: jsonMetricNumber(m.value),
      threshold: jsonMetricNumber(m.threshold),
      status: m.status,
    })),
    checks: report.checks.map((c) => ({
      checkName: c.checkName,
      expected: jsonMetricNumber(c.expected),
      actual: jsonMetricNumber(c.actual),
      passed: c.passed,
    })),
    streams: streamHealthJson(report.streams),
  };
}
