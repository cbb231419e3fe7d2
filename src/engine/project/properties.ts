import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  LineCounter,
  type Node as YamlNode,
  type YAMLSeq,
} from 'yaml';
import type { ProjectIssue } from './project-issue.js';

/** A data test declared in properties YAML (`tests:` or `data_tests:`), not yet compiled. */
export interface TestDeclaration {
  /** The test's macro name without namespace: `unique`, `accepted_values`, `uniq_equals_total`. */
  readonly testName: string;
  /** `dbt_utils` in `dbt_utils.unique_combination_of_columns`; ignored when resolving the macro. */
  readonly namespace?: string;
  /** The test's arguments (`values`, `to`, `field`, `columns` …) without `config`/`name`. */
  readonly args: Readonly<Record<string, unknown>>;
  /** `config:` plus the flat dbt form (`severity`, `where`, … beside the arguments). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The column the test is declared under, if any. */
  readonly columnName?: string;
  /** A user-chosen test name (`name:`). */
  readonly customName?: string;
  readonly file: string;
  readonly line?: number;
}

/** Properties of one model or seed (`models:`/`seeds:` entries). */
export interface ResourceProperties {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly columns: readonly { readonly name: string; readonly description: string }[];
  readonly tests: readonly TestDeclaration[];
}

/** One source table (`sources: [{name, schema, tables: [{name, identifier}]}]`). */
export interface SourceTable {
  readonly sourceName: string;
  readonly name: string;
  /** Defaults to `name`. */
  readonly identifier: string;
  /** Defaults to `main`. */
  readonly schema: string;
  readonly file: string;
  readonly description: string;
  readonly tests: readonly TestDeclaration[];
}

/** Everything found in a project's properties files. */
export interface Properties {
  readonly models: Map<string, ResourceProperties>;
  readonly seeds: Map<string, ResourceProperties>;
  readonly sources: SourceTable[];
}

/** Config keys dbt accepts beside test arguments in the flat form. */
const TEST_CONFIG_KEYS = new Set([
  'severity',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'fail_calc',
  'store_failures',
  'enabled',
  'tags',
  'meta',
]);

function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Parses one properties file into `into`, recording problems in `issues`. */
export function parsePropertiesFile(
  file: string,
  text: string,
  into: Properties,
  issues: ProjectIssue[],
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
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as YamlNode | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const root = document.contents;
  if (!isMap(root)) return;

  // A key that must hold a list: absent or empty is fine, anything else is reported (never ignored).
  const listAt = (node: unknown, what: string): YAMLSeq | undefined => {
    if (isSeq(node)) return node;
    if (node === undefined || node === null || (isScalar(node) && node.value === null)) return;
    issues.push({
      file,
      line: lineOf(node),
      message: `${what} must be a list (got ${JSON.stringify((node as { toJSON(): unknown }).toJSON())})`,
    });
    return undefined;
  };

  const parseTests = (
    listNode: unknown,
    where: string,
    columnName: string | undefined,
  ): TestDeclaration[] => {
    const list = listAt(listNode, where);
    if (!list) return [];
    const out: TestDeclaration[] = [];
    for (const item of list.items) {
      const line = lineOf(item);
      const value: unknown = (item as YamlNode & { toJSON(): unknown }).toJSON();
      let fullName: string;
      let body: Record<string, unknown> = {};
      if (typeof value === 'string') fullName = value;
      else if (
        value &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.keys(value).length >= 1
      ) {
        const entries = Object.entries(value as Record<string, unknown>);
        // `- name: my_test\n  test_name: unique` form
        if ('test_name' in (value as object)) {
          const v = value as Record<string, unknown>;
          fullName = String(v['test_name']);
          body = { ...v };
          delete body['test_name'];
        } else {
          fullName = entries[0]![0];
          body = obj(entries[0]![1]);
        }
      } else {
        issues.push({
          file,
          line,
          message: `cannot read test ${JSON.stringify(value)}: expected a name or {name: {args}}`,
        });
        continue;
      }
      const dot = fullName.lastIndexOf('.');
      const testName = dot >= 0 ? fullName.slice(dot + 1) : fullName;
      const args: Record<string, unknown> = { ...obj(body['arguments']) };
      const config: Record<string, unknown> = {};
      let customName: string | undefined;
      for (const [key, arg] of Object.entries(body)) {
        if (key === 'config') Object.assign(config, obj(arg));
        else if (key === 'arguments') continue;
        else if (key === 'name') customName = String(arg);
        else if (TEST_CONFIG_KEYS.has(key)) config[key] = arg;
        else args[key] = arg;
      }
      out.push({
        testName,
        ...(dot >= 0 ? { namespace: fullName.slice(0, dot) } : {}),
        args,
        config,
        ...(columnName !== undefined ? { columnName } : {}),
        ...(customName !== undefined ? { customName } : {}),
        file,
        ...(line !== undefined ? { line } : {}),
      });
    }
    return out;
  };

  const parseResource = (entry: unknown): ResourceProperties | undefined => {
    if (!isMap(entry)) {
      issues.push({
        file,
        line: lineOf(entry),
        message: `expected an entry with a "name" (got ${JSON.stringify((entry as { toJSON(): unknown }).toJSON())})`,
      });
      return undefined;
    }
    const js = obj(entry.toJSON());
    const name = js['name'];
    if (typeof name !== 'string') {
      issues.push({ file, line: lineOf(entry), message: 'an entry has no "name"' });
      return undefined;
    }
    const tests = [
      ...parseTests(entry.get('tests', true), `tests of ${name}`, undefined),
      ...parseTests(entry.get('data_tests', true), `data_tests of ${name}`, undefined),
    ];
    const columns: { name: string; description: string }[] = [];
    const columnsNode = listAt(entry.get('columns', true), `columns of ${name}`);
    if (columnsNode) {
      for (const column of columnsNode.items) {
        if (!isMap(column)) {
          issues.push({
            file,
            line: lineOf(column),
            message: `a column of ${name} must be an entry with a "name" (got ${JSON.stringify((column as { toJSON(): unknown }).toJSON())})`,
          });
          continue;
        }
        const columnName = String(column.get('name') ?? '');
        if (!columnName) {
          issues.push({ file, line: lineOf(column), message: `a column of ${name} has no "name"` });
          continue;
        }
        columns.push({ name: columnName, description: String(column.get('description') ?? '') });
        tests.push(
          ...parseTests(column.get('tests', true), `tests of ${name}.${columnName}`, columnName),
          ...parseTests(
            column.get('data_tests', true),
            `data_tests of ${name}.${columnName}`,
            columnName,
          ),
        );
      }
    }
    return {
      name,
      file,
      description: String(js['description'] ?? ''),
      config: obj(js['config']),
      columns,
      tests,
    };
  };

  for (const kind of ['models', 'seeds'] as const) {
    const list = listAt(root.get(kind, true), `"${kind}:"`);
    if (!list) continue;
    for (const entry of list.items) {
      const resource = parseResource(entry);
      if (!resource) continue;
      const existing = into[kind].get(resource.name);
      if (existing) {
        issues.push({
          file,
          line: lineOf(entry),
          message: `${kind.slice(0, -1)} "${resource.name}" is also described in ${existing.file}`,
        });
        continue;
      }
      into[kind].set(resource.name, resource);
    }
  }

  const sources = listAt(root.get('sources', true), '"sources:"');
  if (sources) {
    for (const sourceNode of sources.items) {
      if (!isMap(sourceNode)) {
        issues.push({
          file,
          line: lineOf(sourceNode),
          message: 'a source must be an entry with a "name"',
        });
        continue;
      }
      const source = obj(sourceNode.toJSON());
      const sourceName = source['name'];
      if (typeof sourceName !== 'string') {
        issues.push({ file, line: lineOf(sourceNode), message: 'a source has no "name"' });
        continue;
      }
      const schema = typeof source['schema'] === 'string' ? source['schema'] : 'main';
      const tables = listAt(sourceNode.get('tables', true), `tables of source ${sourceName}`);
      if (!tables) continue;
      for (const tableNode of tables.items) {
        const table = parseResource(tableNode);
        if (!table) continue;
        const raw = obj((tableNode as YamlNode & { toJSON(): unknown }).toJSON());
        into.sources.push({
          sourceName,
          name: table.name,
          identifier: typeof raw['identifier'] === 'string' ? raw['identifier'] : table.name,
          schema: typeof raw['schema'] === 'string' ? raw['schema'] : schema,
          file,
          description: table.description,
          tests: table.tests,
        });
      }
    }
  }
}
