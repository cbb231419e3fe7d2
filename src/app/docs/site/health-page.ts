import type { DocsData, DocsHealth, DocsHealthDay } from './docs-data.js';
import { barChart, dailyChart, figure, timeChart } from './charts.js';
import { badge, el, formatNumber, formatPercent, table } from './dom.js';

/** The daily rates, each with the audit_health metric whose threshold it is drawn against. */
const RATES: readonly {
  key: keyof DocsHealthDay;
  count: keyof DocsHealthDay;
  metric: string;
  title: string;
}[] = [
  {
    key: 'duplicateRate',
    count: 'duplicateMessages',
    metric: 'duplicate_rate',
    title: 'Duplicate rate',
  },
  { key: 'lateRate', count: 'lateMessages', metric: 'late_rate', title: 'Late rate' },
  {
    key: 'outOfOrderRate',
    count: 'outOfOrderMessages',
    metric: 'out_of_order_rate',
    title: 'Out-of-order rate',
  },
  {
    key: 'missingRate',
    count: 'missingSequences',
    metric: 'missing_rate',
    title: 'Missing (gap) rate',
  },
  {
    key: 'conflictRate',
    count: 'payloadConflicts',
    metric: 'conflict_rate',
    title: 'Payload conflict rate',
  },
];

function numbersTable(
  rows: readonly { day: string; value: number; count: number }[],
  percent: boolean,
): HTMLElement {
  const tableElement = table(
    ['Day', percent ? 'Rate' : 'Value', 'Count'],
    rows.map((row) => [
      row.day,
      percent ? formatPercent(row.value) : formatNumber(row.value),
      formatNumber(row.count),
    ]),
    { class: 'numbers' },
  );
  tableElement.querySelectorAll('tbody tr').forEach((tr, index) => {
    tr.setAttribute('data-day', rows[index]!.day);
    tr.setAttribute('data-value', String(rows[index]!.value));
    tr.setAttribute('data-count', String(rows[index]!.count));
  });
  return tableElement;
}

function dailySection(health: DocsHealth): HTMLElement {
  if (health.daily.length === 0)
    return el(
      'p',
      { class: 'empty' },
      'No daily series: the warehouse has no bronze_events, int_key_first_copies, silver_late_events and audit_duplicates, or they are empty.',
    );
  const threshold = (metric: string): number | null =>
    health.metrics.find((m) => m.metric === metric)?.threshold ?? null;
  const charts = RATES.map((rate) => {
    const rows = health.daily.map((day) => ({
      day: day.day,
      value: Number(day[rate.key]),
      count: Number(day[rate.count]),
    }));
    const points = rows.map((row) => ({
      day: row.day,
      value: row.value,
      label: `${formatPercent(row.value)} (${formatNumber(row.count)})`,
    }));
    return figure(
      { 'data-metric': rate.metric },
      rate.title,
      dailyChart(points, threshold(rate.metric), true),
      numbersTable(rows, true),
    );
  });
  const rejected = health.rejectedDaily.map((day) => ({
    day: day.day,
    value: day.rejectedRate,
    count: day.rejectedLines,
  }));
  charts.push(
    rejected.length === 0
      ? el(
          'figure',
          { class: 'chart', 'data-metric': 'rejected_rate' },
          el('figcaption', {}, 'Rejected lines (by arrival day)'),
          el('p', { class: 'empty' }, 'No line was rejected.'),
        )
      : figure(
          { 'data-metric': 'rejected_rate' },
          'Rejected lines (by arrival day)',
          dailyChart(
            rejected.map((r) => ({
              ...r,
              label: `${formatNumber(r.count)} lines (${formatPercent(r.value)})`,
            })),
            threshold('rejected_rate'),
            true,
          ),
          numbersTable(rejected, true),
        ),
  );
  return el('div', { class: 'charts' }, ...charts);
}

function summary(health: DocsHealth): HTMLElement {
  const failed = health.checks.filter((check) => !check.passed).length;
  const warnings = health.metrics.filter((metric) => metric.status !== 'ok').length;
  const metric = (name: string): number | null =>
    health.metrics.find((m) => m.metric === name)?.value ?? null;
  const card = (label: string, value: string, tone: string): HTMLElement =>
    el(
      'div',
      { class: `card ${tone}` },
      el('div', { class: 'card-value' }, value),
      el('div', { class: 'card-label' }, label),
    );
  return el(
    'div',
    { class: 'cards' },
    card(
      'reconciliation',
      failed === 0
        ? `${health.checks.length} checks passed`
        : `${failed} of ${health.checks.length} checks failed`,
      failed === 0 ? 'good' : 'bad',
    ),
    card(
      'thresholds',
      warnings === 0 ? 'all within' : `${warnings} breached`,
      warnings === 0 ? 'good' : 'warn',
    ),
    card('messages', formatNumber(metric('total_messages')), 'neutral'),
    card('unique', formatNumber(metric('unique_messages')), 'neutral'),
  );
}

function streamsSection(health: DocsHealth): HTMLElement | null {
  if (health.streams.length === 0) return null;
  const latency = (value: { p50: number; p99: number } | null): string =>
    value ? `${value.p50} / ${value.p99} ms` : '–';
  const lag = health.streams.flatMap((stream) =>
    stream.history
      .filter((batch) => batch.lag !== null)
      .map((batch) => ({
        at: new Date(batch.landedAt),
        value: batch.lag!,
        group: `${stream.stream}/${stream.consumer}`,
      })),
  );
  return el(
    'section',
    { class: 'streams' },
    el('h2', {}, 'Streams'),
    table(
      [
        'Stream',
        'Consumer',
        'Checkpoint',
        'Batches',
        'Landed',
        'Rejected',
        'Skipped',
        'Lag',
        'Latency p50 / p99 (last batch)',
        'Latency p50 / p99 (last hour)',
        'Last landed',
      ],
      health.streams.map((s) => [
        s.stream,
        s.consumer,
        formatNumber(s.checkpoint),
        formatNumber(s.batches),
        formatNumber(s.landed),
        formatNumber(s.rejected),
        formatNumber(s.skipped),
        formatNumber(s.lag),
        latency(s.latencyLastBatch),
        latency(s.latencyLastHour),
        new Date(s.lastLandedAt).toLocaleString(),
      ]),
      { class: 'stream-table' },
    ),
    lag.length > 0
      ? figure(
          { 'data-chart': 'consumer-lag' },
          'Consumer lag after each batch (messages)',
          timeChart(lag, 'messages behind'),
          table(
            ['Batch landed', 'Consumer', 'Lag'],
            lag.map((l) => [l.at.toISOString(), l.group, formatNumber(l.value)]),
          ),
        )
      : null,
  );
}

function benchmarksSection(data: DocsData): HTMLElement | null {
  if (data.benchmarks.length === 0) return null;
  return el(
    'section',
    { class: 'benchmarks' },
    el('h2', {}, 'Benchmarks'),
    el(
      'div',
      { class: 'charts' },
      ...data.benchmarks.map((bench) =>
        figure(
          { 'data-bench': bench.scale },
          `${bench.scale}: ${formatNumber(bench.messages)} messages (${bench.machine}; ${bench.date.slice(0, 10)})`,
          barChart(
            bench.strategies.map((s) => ({ label: s.name, value: s.seconds })),
            'seconds (median)',
          ),
          table(
            ['Strategy', 'Seconds', 'What'],
            bench.strategies.map((s) => [s.name, s.seconds.toFixed(3), s.description]),
          ),
        ),
      ),
    ),
  );
}

/** A check that was not compared (its note says why) is skipped, not passed. */
const verdict = (check: DocsHealth['checks'][number]): string =>
  !check.passed ? 'failed' : check.expected === null && check.note !== null ? 'skipped' : 'passed';

/** The health dashboard: verdicts first, then the daily rates against their thresholds. */
export function renderHealthPage(data: DocsData): HTMLElement {
  const health = data.health;
  if (!health)
    return el(
      'section',
      { class: 'page health-page' },
      el('h1', {}, 'Health'),
      el(
        'p',
        { class: 'empty', 'data-empty': 'health' },
        data.warehouse === 'missing'
          ? `The warehouse ${data.target.path} does not exist yet: build the project, then run npm run docs again.`
          : 'This warehouse has no audit_health and audit_reconciliation relations, so there is no health to show.',
      ),
      benchmarksSection(data),
    );
  return el(
    'section',
    { class: 'page health-page' },
    el('h1', {}, 'Health'),
    summary(health),
    el('h2', {}, 'Reconciliation'),
    table(
      ['Check', 'Expected', 'Actual', 'Verdict', 'Note'],
      health.checks.map((check) => [
        check.checkName,
        check.expected ?? '–',
        check.actual ?? '–',
        badge(verdict(check)),
        check.note ?? '',
      ]),
      { class: 'checks' },
    ),
    el('h2', {}, 'Per day'),
    dailySection(health),
    el('h2', {}, 'Totals (audit_health)'),
    table(
      ['Metric', 'Value', 'Threshold', 'Status'],
      health.metrics.map((m) => [
        m.metric,
        m.metric.endsWith('_rate') ? formatPercent(m.value) : formatNumber(m.value),
        m.threshold === null ? '–' : formatPercent(m.threshold),
        badge(m.status),
      ]),
      { class: 'metrics' },
    ),
    streamsSection(health),
    benchmarksSection(data),
  );
}
