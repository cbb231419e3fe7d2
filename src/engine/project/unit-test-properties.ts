import { isMap, type YAMLMap } from 'yaml';
import { parse as parseCsvText } from 'csv-parse/sync';
import { objectOf, type PropertiesFileReader, toJson } from './properties-reader.js';

/** Rows of a unit test's input or expectation, as written (`format: dict`, `csv` or `sql`). */
export type UnitTestRows =
  | { readonly format: 'dict'; readonly rows: readonly Readonly<Record<string, unknown>>[] }
  | { readonly format: 'csv'; readonly rows: readonly Readonly<Record<string, string | null>>[] }
  | { readonly format: 'sql'; readonly sql: string };

/** One `unit_tests:` entry (dbt 1.8): a model run on given rows, compared with expected rows. */
export interface UnitTestProperties {
  readonly name: string;
  readonly model: string;
  readonly file: string;
  readonly line?: number;
  readonly description: string;
  /** `given:` inputs: `ref('x')`, `source('s', 't')` or `this`, with their rows. */
  readonly given: readonly { readonly input: string; readonly rows: UnitTestRows }[];
  readonly expect: UnitTestRows;
  /** `overrides:`: `vars`, `macros` (such as `is_incremental: true`) and `env_vars`. */
  readonly overrides: {
    readonly vars: Readonly<Record<string, unknown>>;
    readonly macros: Readonly<Record<string, unknown>>;
    readonly envVars: Readonly<Record<string, string>>;
  };
  readonly config: Readonly<Record<string, unknown>>;
}

/** CSV rows with a header line; an empty field is null, as dbt reads a fixture. */
function parseCsv(text: string): Record<string, string | null>[] {
  const records = parseCsvText(text.trim(), { columns: true, skip_empty_lines: true, trim: true });
  return (records as Record<string, string>[]).map((record) =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v === '' ? null : v])),
  );
}

/** Reads a unit test fixture file (`tests/fixtures/<name>.csv` or `.sql`); undefined when there is none. */
export type ReadFixture = (name: string, extension: 'csv' | 'sql') => string | undefined;

/**
 * `rows:` in the given `format:` (default `dict`), or the `fixture:` file of a csv or sql format,
 * or undefined after reporting what is wrong.
 */
function rowsOf(
  reader: PropertiesFileReader,
  node: unknown,
  entry: Record<string, unknown>,
  where: string,
  readFixture: ReadFixture,
): UnitTestRows | undefined {
  const format = entry['format'] ?? 'dict';
  let rows = entry['rows'];
  if (typeof entry['fixture'] === 'string') {
    if (format !== 'csv' && format !== 'sql') {
      reader.report(node, `${where}: a fixture file needs format csv or sql`);
      return undefined;
    }
    rows = readFixture(entry['fixture'], format);
    if (rows === undefined) {
      reader.report(
        node,
        `${where}: no fixture file ${entry['fixture']}.${format} under the test paths' fixtures/ folders`,
      );
      return undefined;
    }
  }
  if (format === 'sql') {
    if (typeof rows === 'string') return { format: 'sql', sql: rows };
    reader.report(node, `${where}: format sql needs rows: a SQL query`);
    return undefined;
  }
  if (format === 'csv') {
    if (typeof rows === 'string') {
      try {
        return { format: 'csv', rows: parseCsv(rows) };
      } catch (error) {
        reader.report(node, `${where}: invalid CSV rows: ${(error as Error).message}`);
        return undefined;
      }
    }
    reader.report(node, `${where}: format csv needs rows: CSV text with a header line`);
    return undefined;
  }
  if (format !== 'dict') {
    reader.report(
      node,
      `${where}: format must be dict, csv or sql (got ${JSON.stringify(format)})`,
    );
    return undefined;
  }
  if (rows === undefined || rows === null) return { format: 'dict', rows: [] };
  if (
    Array.isArray(rows) &&
    rows.every((row) => row !== null && typeof row === 'object' && !Array.isArray(row))
  )
    return { format: 'dict', rows: rows as Record<string, unknown>[] };
  reader.report(node, `${where}: rows must be a list of mappings such as {id: 1, status: open}`);
  return undefined;
}

function parseUnitTest(
  reader: PropertiesFileReader,
  node: YAMLMap,
  readFixture: ReadFixture,
): UnitTestProperties | undefined {
  const js = objectOf(toJson(node));
  const name = js['name'];
  const model = js['model'];
  if (typeof name !== 'string' || typeof model !== 'string') {
    reader.report(node, 'a unit test needs a "name" and the "model" it tests');
    return undefined;
  }
  const where = `unit test "${name}"`;
  const given: UnitTestProperties['given'][number][] = [];
  const givenNode = reader.listAt(node.get('given', true), `given of ${where}`);
  for (const item of givenNode?.items ?? []) {
    const entry = objectOf(toJson(item));
    if (typeof entry['input'] !== 'string') {
      reader.report(
        item,
        `${where}: each given needs an input: ref('model'), source('name', 'table') or this`,
      );
      return undefined;
    }
    const rows = rowsOf(reader, item, entry, `${where}, input ${entry['input']}`, readFixture);
    if (!rows) return undefined;
    given.push({ input: entry['input'], rows });
  }
  const expectNode = node.get('expect', true);
  if (!isMap(expectNode)) {
    reader.report(node, `${where}: expect: {rows: [...]} is required`);
    return undefined;
  }
  const expect = rowsOf(
    reader,
    expectNode,
    objectOf(toJson(expectNode)),
    `${where}, expect`,
    readFixture,
  );
  if (!expect) return undefined;
  const overrides = objectOf(js['overrides']);
  return {
    name,
    model,
    file: reader.file,
    line: reader.lineOf(node),
    description: String(js['description'] ?? ''),
    given,
    expect,
    overrides: {
      vars: objectOf(overrides['vars']),
      macros: objectOf(overrides['macros']),
      envVars: Object.fromEntries(
        Object.entries(objectOf(overrides['env_vars'])).map(([k, v]) => [k, String(v)]),
      ),
    },
    config: objectOf(js['config']),
  };
}

/** The `unit_tests:` entries of a properties file (dbt 1.8's unit tests). */
export function parseUnitTests(
  reader: PropertiesFileReader,
  root: YAMLMap,
  readFixture: ReadFixture,
): UnitTestProperties[] {
  const list = reader.listAt(root.get('unit_tests', true), '"unit_tests:"');
  const out: UnitTestProperties[] = [];
  for (const item of list?.items ?? []) {
    if (!isMap(item)) {
      reader.report(item, 'a unit test must be an entry with a "name"');
      continue;
    }
    const test = parseUnitTest(reader, item, readFixture);
    if (test) out.push(test);
  }
  return out;
}
