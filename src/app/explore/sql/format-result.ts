import { cellText, jsonValue, stringifyJson, type JsonReady } from './result-values.js';
import type { ResultColumn, StatementResult } from './run-statement.js';

/** Output formats of `npm run sql`: `table` for people, the others for scripts and documents. */
export const OUTPUT_FORMATS = ['table', 'csv', 'json', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Widest a table or markdown cell may be before it is cut with `…` (default 80 characters). */
export const MAX_CELL_WIDTH = 80;

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)(\(\d+,\d+\))?$/;

/**
 * Renders a statement's rows in a format. The text ends with a newline (empty for no columns).
 * - `table`: box-drawn, column names over their types, numbers right-aligned, NULL shown as `NULL`;
 * - `csv`: RFC 4180 (header line, CRLF-free `\n` line ends, fields quoted when they hold `,`, `"`,
 *   a line break or leading/trailing spaces; NULL is an empty field, the empty string is `""`);
 * - `json`: an array of row objects (see {@link jsonValue} for the type mapping);
 * - `markdown`: a GitHub table, `|` escaped, NULL shown as `NULL`.
 */
export function formatRows(result: StatementResult, format: OutputFormat): string {
  switch (format) {
    case 'table':
      return formatTable(result.columns, result.rows);
    case 'csv':
      return formatCsv(result.columns, result.rows);
    case 'json':
      return formatJson(result);
    case 'markdown':
      return formatMarkdown(result.columns, result.rows);
  }
}

/**
 * The summary line under a result: `3 rows (0.012 s)`, or for a cut result
 * `1,234 rows (showing 40 of 1,234 rows; use --max-rows to see more) (0.40 s)`.
 */
export function formatSummary(result: StatementResult, limitHint = '--max-rows'): string {
  const seconds = `(${(result.elapsedMs / 1000).toFixed(3)} s)`;
  if (result.kind === 'nothing') return `OK ${seconds}`;
  const cut = truncationNote(result, limitHint);
  const count = `${result.totalRows.toLocaleString('en-US')} ${result.totalRows === 1 ? 'row' : 'rows'}`;
  return cut ? `${count} ${cut} ${seconds}` : `${count} ${seconds}`;
}

/**
 * The note for a cut result, e.g. `(showing 40 of 1,234 rows; use --max-rows to see more)`, else
 * null. `limitHint` names the way to raise the limit (default `--max-rows`; `.maxrows` at the prompt).
 */
export function truncationNote(result: StatementResult, limitHint = '--max-rows'): string | null {
  if (result.rows.length >= result.totalRows) return null;
  return `(showing ${result.rows.length.toLocaleString('en-US')} of ${result.totalRows.toLocaleString('en-US')} rows; use ${limitHint} to see more)`;
}

function displayCell(value: Parameters<typeof cellText>[0]): string {
  const text = cellText(value);
  if (text === null) return 'NULL';
  const oneLine = text.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
  return [...oneLine].length > MAX_CELL_WIDTH
    ? `${[...oneLine].slice(0, MAX_CELL_WIDTH - 1).join('')}…`
    : oneLine;
}

function width(text: string): number {
  return [...text].length;
}

function formatTable(columns: readonly ResultColumn[], rows: StatementResult['rows']): string {
  if (columns.length === 0) return '';
  const cells = rows.map((row) => row.map(displayCell));
  const widths = columns.map((column, i) =>
    Math.max(
      width(column.name),
      width(column.type.toLowerCase()),
      ...cells.map((row) => width(row[i] ?? '')),
    ),
  );
  const numeric = columns.map((column) => NUMERIC.test(column.type));
  const pad = (text: string, i: number, align: 'left' | 'right' | 'center'): string => {
    const space = widths[i]! - width(text);
    if (align === 'right') return ' '.repeat(space) + text;
    if (align === 'center')
      return ' '.repeat(Math.floor(space / 2)) + text + ' '.repeat(Math.ceil(space / 2));
    return text + ' '.repeat(space);
  };
  const rule = (left: string, mid: string, right: string): string =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const line = (texts: string[], align: (i: number) => 'left' | 'right' | 'center'): string =>
    `│ ${texts.map((t, i) => pad(t, i, align(i))).join(' │ ')} │`;
  const out = [
    rule('┌', '┬', '┐'),
    line(
      columns.map((c) => c.name),
      () => 'center',
    ),
    line(
      columns.map((c) => c.type.toLowerCase()),
      () => 'center',
    ),
    rule('├', '┼', '┤'),
    ...cells.map((row) => line(row, (i) => (numeric[i] && row[i] !== 'NULL' ? 'right' : 'left'))),
    rule('└', '┴', '┘'),
  ];
  return `${out.join('\n')}\n`;
}

/** Quotes a CSV field when RFC 4180 requires it (and when it has leading or trailing spaces). */
export function csvField(text: string | null): string {
  if (text === null) return '';
  if (text === '' || /[",\r\n]/.test(text) || text.trim() !== text)
    return `"${text.replaceAll('"', '""')}"`;
  return text;
}

function formatCsv(columns: readonly ResultColumn[], rows: StatementResult['rows']): string {
  if (columns.length === 0) return '';
  const lines = [columns.map((c) => csvField(c.name)).join(',')];
  for (const row of rows) lines.push(row.map((value) => csvField(cellText(value))).join(','));
  return `${lines.join('\n')}\n`;
}

function formatJson(result: StatementResult): string {
  if (result.columns.length === 0) return '';
  const objects = result.rows.map((row) => {
    const object: { [key: string]: JsonReady } = {};
    result.columns.forEach((column, i) => {
      object[column.name] =
        row[i] === null ? null : jsonValue(row[i]!, column.duckdbType, jsonValue);
    });
    return object;
  });
  if (objects.length === 0) return '[]\n';
  return `[\n${objects.map((o) => `  ${stringifyJson(o)}`).join(',\n')}\n]\n`;
}

function markdownCell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|');
}

function formatMarkdown(columns: readonly ResultColumn[], rows: StatementResult['rows']): string {
  if (columns.length === 0) return '';
  const header = `| ${columns.map((c) => markdownCell(c.name)).join(' | ')} |`;
  const align = `|${columns.map((c) => (NUMERIC.test(c.type) ? '---:' : '---')).join('|')}|`;
  const body = rows.map((row) => `| ${row.map((v) => markdownCell(displayCell(v))).join(' | ')} |`);
  return `${[header, align, ...body].join('\n')}\n`;
}
