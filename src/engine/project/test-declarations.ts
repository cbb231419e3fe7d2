import { objectOf, toJson, type PropertiesFileReader } from './properties-reader.js';

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

/**
 * The tests of a `tests:`/`data_tests:` list (`where` names it in messages), declared under
 * `columnName` when the list belongs to a column. Entries that cannot be read are reported.
 */
export function parseTestDeclarations(
  reader: PropertiesFileReader,
  listNode: unknown,
  where: string,
  columnName: string | undefined,
): TestDeclaration[] {
  const list = reader.listAt(listNode, where);
  if (!list) return [];
  return list.items.flatMap((item) => parseTestDeclaration(reader, item, columnName) ?? []);
}

function parseTestDeclaration(
  reader: PropertiesFileReader,
  item: unknown,
  columnName: string | undefined,
): TestDeclaration | undefined {
  const value = toJson(item);
  const named = nameAndBody(value);
  if (!named) {
    reader.report(
      item,
      `cannot read test ${JSON.stringify(value)}: expected a name or {name: {args}}`,
    );
    return undefined;
  }
  const { fullName, body } = named;
  const dot = fullName.lastIndexOf('.');
  return {
    testName: dot >= 0 ? fullName.slice(dot + 1) : fullName,
    namespace: dot >= 0 ? fullName.slice(0, dot) : undefined,
    ...argsAndConfig(body),
    columnName,
    file: reader.file,
    line: reader.lineOf(item),
  };
}

/**
 * A test entry's (possibly namespaced) name and the mapping beside it, in the three forms dbt
 * reads: `- unique`, `- accepted_values: {values: […]}` and `- name: my_test` with `test_name:`.
 */
function nameAndBody(
  value: unknown,
): { fullName: string; body: Record<string, unknown> } | undefined {
  if (typeof value === 'string') return { fullName: value, body: {} };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  if ('test_name' in value) {
    const { test_name: testName, ...body } = value as Record<string, unknown>;
    return { fullName: String(testName), body };
  }
  return { fullName: entries[0]![0], body: objectOf(entries[0]![1]) };
}

/**
 * Sorts a test's keys as dbt does: `arguments:` and unknown keys are arguments, `config:` and the
 * flat config keys are config, `name:` names the test.
 */
function argsAndConfig(body: Record<string, unknown>): {
  args: Record<string, unknown>;
  config: Record<string, unknown>;
  customName: string | undefined;
} {
  const args: Record<string, unknown> = { ...objectOf(body['arguments']) };
  const config: Record<string, unknown> = {};
  let customName: string | undefined;
  for (const [key, arg] of Object.entries(body)) {
    if (key === 'config') Object.assign(config, objectOf(arg));
    else if (key === 'arguments') continue;
    else if (key === 'name') customName = String(arg);
    else if (TEST_CONFIG_KEYS.has(key)) config[key] = arg;
    else args[key] = arg;
  }
  return { args, config, customName };
}
