import { isMap, parseDocument, LineCounter, type YAMLMap } from 'yaml';
import type { ProjectIssue } from './project-issue.js';
import { objectOf, PropertiesFileReader, toJson } from './properties-reader.js';
import { parseTestDeclarations, type TestDeclaration } from './test-declarations.js';
import {
  parseUnitTests,
  type ReadFixture,
  type UnitTestProperties,
} from './unit-test-properties.js';

export type { UnitTestProperties, UnitTestRows } from './unit-test-properties.js';

export type { TestDeclaration } from './test-declarations.js';

/** A column as properties YAML describes it; `dataType` and `constraints` serve model contracts. */
export interface ColumnProperties {
  readonly name: string;
  readonly description: string;
  readonly dataType?: string;
  readonly constraints?: readonly ColumnConstraint[];
}

/** A column constraint of a contract: `not_null`, `unique`, `primary_key`, `check` (with `expression`). */
export interface ColumnConstraint {
  readonly type: string;
  readonly expression?: string;
}

/** Properties of one model, seed or snapshot (`models:`/`seeds:`/`snapshots:` entries). */
export interface ResourceProperties {
  readonly name: string;
  readonly file: string;
  /** The installed package whose YAML describes it (its own nodes only); undefined for the root's. */
  readonly packageName?: string;
  /** The line of the entry. */
  readonly line?: number;
  /** A snapshot defined in YAML: what it snapshots, `ref('x')` or `source('s', 't')`. */
  readonly relation?: string;
  readonly description: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly columns: readonly ColumnProperties[];
  readonly tests: readonly TestDeclaration[];
}

/** One source table (`sources: [{name, schema, tables: [{name, identifier}]}]`). */
export interface SourceTable {
  readonly sourceName: string;
  /** The installed package whose YAML declares it; undefined for the root project's. */
  readonly packageName?: string;
  readonly name: string;
  /** Defaults to `name`. */
  readonly identifier: string;
  /** Defaults to the source's `schema:`, then to the source's name, as in dbt. */
  readonly schema: string;
  readonly file: string;
  readonly description: string;
  readonly tests: readonly TestDeclaration[];
}

/**
 * The key of a model's, seed's or snapshot's properties: a package's YAML describes the package's
 * nodes, the root project's the root's, and both may describe a node of the same name.
 */
export function propertiesKey(name: string, packageName: string | undefined): string {
  return packageName === undefined ? name : `${packageName}.${name}`;
}

/** Everything found in a project's properties files, models, seeds and snapshots by {@link propertiesKey}. */
export interface Properties {
  readonly models: Map<string, ResourceProperties>;
  readonly seeds: Map<string, ResourceProperties>;
  readonly snapshots: Map<string, ResourceProperties>;
  readonly sources: SourceTable[];
  readonly unitTests: UnitTestProperties[];
}

/** Parses one properties file into `into`, recording problems in `issues`. */
export function parsePropertiesFile(
  file: string,
  text: string,
  into: Properties,
  issues: ProjectIssue[],
  readFixture: ReadFixture = () => undefined,
  packageName?: string,
): void {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      issues.push({
        file,
        line: error.linePos?.[0].line,
        message: `invalid YAML: ${error.message.split('\n')[0]}`,
      });
    }
    return;
  }
  const root = document.contents;
  if (!isMap(root)) return;
  const reader = new PropertiesFileReader(file, lineCounter, issues);
  for (const kind of ['models', 'seeds', 'snapshots'] as const)
    parseResources(reader, root, kind, into[kind], packageName);
  into.sources.push(
    ...parseSources(reader, root).map((table) =>
      packageName === undefined ? table : { ...table, packageName },
    ),
  );
  into.unitTests.push(...parseUnitTests(reader, root, readFixture));
}

/** The `models:` or `seeds:` entries, each name described once across all files. */
function parseResources(
  reader: PropertiesFileReader,
  root: YAMLMap,
  kind: 'models' | 'seeds' | 'snapshots',
  into: Map<string, ResourceProperties>,
  packageName: string | undefined,
): void {
  const list = reader.listAt(root.get(kind, true), `"${kind}:"`);
  if (!list) return;
  for (const entry of list.items) {
    const parsed = parseResource(reader, entry);
    if (!parsed) continue;
    const resource = packageName === undefined ? parsed : { ...parsed, packageName };
    const key = propertiesKey(resource.name, packageName);
    const existing = into.get(key);
    if (existing) {
      reader.report(
        entry,
        `${kind.slice(0, -1)} "${resource.name}" is also described in ${existing.file}`,
      );
      continue;
    }
    into.set(key, resource);
  }
}

/** A model, seed or source table entry: name, description, config, columns and their tests. */
function parseResource(
  reader: PropertiesFileReader,
  entry: unknown,
): ResourceProperties | undefined {
  if (!isMap(entry)) {
    reader.report(entry, `expected an entry with a "name" (got ${JSON.stringify(toJson(entry))})`);
    return undefined;
  }
  const js = objectOf(entry.toJSON());
  const name = js['name'];
  if (typeof name !== 'string') {
    reader.report(entry, 'an entry has no "name"');
    return undefined;
  }
  const tests = parseTestKeys(reader, entry, name, undefined);
  const columns = parseColumns(reader, entry, name);
  return {
    name,
    file: reader.file,
    line: reader.lineOf(entry),
    ...(typeof js['relation'] === 'string' ? { relation: js['relation'] } : {}),
    description: String(js['description'] ?? ''),
    config: objectOf(js['config']),
    columns: columns.columns,
    tests: [...tests, ...columns.tests],
  };
}

/** The tests under `tests:` and then `data_tests:` of a resource or column (dbt reads both). */
function parseTestKeys(
  reader: PropertiesFileReader,
  entry: YAMLMap,
  where: string,
  columnName: string | undefined,
): TestDeclaration[] {
  return (['tests', 'data_tests'] as const).flatMap((key) =>
    parseTestDeclarations(reader, entry.get(key, true), `${key} of ${where}`, columnName),
  );
}

/** The `columns:` of the resource `name`, with the tests declared under them. */
function parseColumns(
  reader: PropertiesFileReader,
  entry: YAMLMap,
  name: string,
): { columns: ColumnProperties[]; tests: TestDeclaration[] } {
  const columns: ColumnProperties[] = [];
  const tests: TestDeclaration[] = [];
  const list = reader.listAt(entry.get('columns', true), `columns of ${name}`);
  for (const column of list?.items ?? []) {
    if (!isMap(column)) {
      reader.report(
        column,
        `a column of ${name} must be an entry with a "name" (got ${JSON.stringify(toJson(column))})`,
      );
      continue;
    }
    const columnName = String(column.get('name') ?? '');
    if (!columnName) {
      reader.report(column, `a column of ${name} has no "name"`);
      continue;
    }
    const js = objectOf(toJson(column));
    const constraints = (Array.isArray(js['constraints']) ? js['constraints'] : [])
      .map((item) => objectOf(item))
      .filter((item) => typeof item['type'] === 'string')
      .map((item) => ({
        type: String(item['type']),
        ...(typeof item['expression'] === 'string' ? { expression: item['expression'] } : {}),
      }));
    columns.push({
      name: columnName,
      description: String(column.get('description') ?? ''),
      ...(typeof js['data_type'] === 'string' ? { dataType: js['data_type'] } : {}),
      ...(constraints.length > 0 ? { constraints } : {}),
    });
    tests.push(...parseTestKeys(reader, column, `${name}.${columnName}`, columnName));
  }
  return { columns, tests };
}

/** The tables of every `sources:` entry; a table's schema defaults to its source's, then to the source's name. */
function parseSources(reader: PropertiesFileReader, root: YAMLMap): SourceTable[] {
  const sources = reader.listAt(root.get('sources', true), '"sources:"');
  const tables: SourceTable[] = [];
  for (const sourceNode of sources?.items ?? []) {
    if (!isMap(sourceNode)) {
      reader.report(sourceNode, 'a source must be an entry with a "name"');
      continue;
    }
    const source = objectOf(sourceNode.toJSON());
    const sourceName = source['name'];
    if (typeof sourceName !== 'string') {
      reader.report(sourceNode, 'a source has no "name"');
      continue;
    }
    // As in dbt: a source without `schema:` lives in the schema named after the source.
    const schema = typeof source['schema'] === 'string' ? source['schema'] : sourceName;
    const list = reader.listAt(sourceNode.get('tables', true), `tables of source ${sourceName}`);
    for (const tableNode of list?.items ?? []) {
      const table = parseResource(reader, tableNode);
      if (!table) continue;
      const raw = objectOf(toJson(tableNode));
      tables.push({
        sourceName,
        name: table.name,
        identifier: typeof raw['identifier'] === 'string' ? raw['identifier'] : table.name,
        schema: typeof raw['schema'] === 'string' ? raw['schema'] : schema,
        file: reader.file,
        description: table.description,
        tests: table.tests,
      });
    }
  }
  return tables;
}
