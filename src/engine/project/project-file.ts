import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isMap,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { UserError } from '../../base/errors/user-error.js';
import { renderTemplatedValues, type RenderProjectValue } from './templated-values.js';

/** The parts of `dbt_project.yml` the runner uses. Unknown keys are ignored, as dbt does. */
export interface ProjectFile {
  readonly name: string;
  /** Default `['models']`. */
  readonly modelPaths: readonly string[];
  /** Default `['seeds']`. */
  readonly seedPaths: readonly string[];
  /** Default `['macros']`. */
  readonly macroPaths: readonly string[];
  /** Default `['tests']`. */
  readonly testPaths: readonly string[];
  /** Default `['snapshots']`. */
  readonly snapshotPaths: readonly string[];
  /** Default `['analyses']`. */
  readonly analysisPaths: readonly string[];
  /** Project `vars:` (overridden by `--vars`). Default `{}`. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** The raw `models:` config tree (`+key` per folder). */
  readonly models: Readonly<Record<string, unknown>>;
  /** The raw `seeds:` config tree. */
  readonly seeds: Readonly<Record<string, unknown>>;
  /** The raw `snapshots:` config tree. */
  readonly snapshots: Readonly<Record<string, unknown>>;
  /** The raw `data_tests:`/`tests:` config tree. */
  readonly tests: Readonly<Record<string, unknown>>;
  /** `on-run-start` hooks (templates), in order. */
  readonly onRunStart: readonly string[];
  /** `on-run-end` hooks (templates), in order. */
  readonly onRunEnd: readonly string[];
  /** The line in `dbt_project.yml` of each `on-run-start` hook (`undefined` when unknown). */
  readonly onRunStartLines: readonly (number | undefined)[];
  /** The line in `dbt_project.yml` of each `on-run-end` hook (`undefined` when unknown). */
  readonly onRunEndLines: readonly (number | undefined)[];
  /** Where `dbt deps` installs packages (`packages-install-path`). Default `dbt_packages`. */
  readonly packagesInstallPath: string;
  /** `dispatch:`: the packages `adapter.dispatch` searches, per macro namespace, in order. */
  readonly dispatch: readonly DispatchOrder[];
}

/** One entry of `dispatch:` in `dbt_project.yml`. */
export interface DispatchOrder {
  readonly macroNamespace: string;
  readonly searchOrder: readonly string[];
}

export const PROJECT_FILE = 'dbt_project.yml';

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asStringList(value: unknown, fallback: string[]): string[] {
  if (value === undefined || value === null) return fallback;
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** The line of each hook of `on-run-start`/`on-run-end` (a list, or one string). */
function hookLines(node: unknown, lineCounter: LineCounter): (number | undefined)[] {
  const lineOf = (item: unknown): number | undefined => {
    const range = (item as YamlNode | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  if (isSeq(node)) return node.items.map(lineOf);
  if (node === undefined || node === null || isMap(node)) return [];
  return [lineOf(node)];
}

/** The YAML document of `dbt_project.yml`, its templated values rendered when `render` is given. */
function parseProjectYaml(
  path: string,
  label: string,
  render: RenderProjectValue | undefined,
): { document: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const document = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true, lineCounter });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const line = first.linePos?.[0].line;
    throw new UserError(
      `${label}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`,
      2,
    );
  }
  if (render) renderTemplatedValues(document, lineCounter, label, render);
  return { document, lineCounter };
}

/**
 * Reads `dbt_project.yml` in `projectDir`; a missing or invalid file is a UserError (exit 2).
 * `label` names the file in messages (a package's is `dbt_packages/<name>/dbt_project.yml`).
 * With `render`, templated values (`+enabled: "{{ var('x', false) }}"`) are rendered as dbt does;
 * without it they are read as written.
 */
export function readProjectFile(
  projectDir: string,
  label = PROJECT_FILE,
  render?: RenderProjectValue,
): ProjectFile {
  const path = join(projectDir, PROJECT_FILE);
  if (!existsSync(path)) {
    throw new UserError(
      `No ${PROJECT_FILE} found in ${projectDir}. Run from the project directory or pass --project-dir DIR.`,
      2,
    );
  }
  const { document, lineCounter } = parseProjectYaml(path, label, render);
  const raw = asObject(document.toJS());
  const name = raw['name'];
  if (typeof name !== 'string' || !/^[A-Za-z_][\w]*$/.test(name)) {
    throw new UserError(
      `${label}: "name" must be an identifier like my_project (got ${JSON.stringify(name)}).`,
      2,
    );
  }
  // A key of the wrong shape would otherwise be silently ignored: say which, and where.
  const wrong = (key: string, expected: string): UserError => {
    const node = document.get(key, true) as YamlNode | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    return new UserError(
      `${label}${line ? `:${line}` : ''}: "${key}" must be ${expected} (got ${JSON.stringify(raw[key])}).`,
      2,
    );
  };
  for (const key of ['vars', 'models', 'seeds', 'snapshots', 'data_tests', 'tests']) {
    const value = raw[key];
    if (
      value !== undefined &&
      value !== null &&
      (typeof value !== 'object' || Array.isArray(value))
    )
      throw wrong(key, 'a mapping');
  }
  for (const key of [
    'model-paths',
    'source-paths',
    'seed-paths',
    'data-paths',
    'macro-paths',
    'test-paths',
    'snapshot-paths',
    'analysis-paths',
    'on-run-start',
    'on-run-end',
  ]) {
    const value = raw[key];
    const items = Array.isArray(value) ? value : [value];
    if (value !== undefined && value !== null && !items.every((item) => typeof item === 'string'))
      throw wrong(key, 'a string or a list of strings');
  }
  const dispatch = readDispatch(raw['dispatch'], () => wrong('dispatch', DISPATCH_SHAPE));
  const installPath = raw['packages-install-path'] ?? 'dbt_packages';
  if (typeof installPath !== 'string') throw wrong('packages-install-path', 'a folder name');
  return Object.freeze({
    name,
    modelPaths: asStringList(raw['model-paths'] ?? raw['source-paths'], ['models']),
    seedPaths: asStringList(raw['seed-paths'] ?? raw['data-paths'], ['seeds']),
    macroPaths: asStringList(raw['macro-paths'], ['macros']),
    testPaths: asStringList(raw['test-paths'], ['tests']),
    snapshotPaths: asStringList(raw['snapshot-paths'], ['snapshots']),
    analysisPaths: asStringList(raw['analysis-paths'], ['analyses']),
    vars: asObject(raw['vars']),
    models: asObject(raw['models']),
    seeds: asObject(raw['seeds']),
    snapshots: asObject(raw['snapshots']),
    tests: asObject(raw['data_tests'] ?? raw['tests']),
    onRunStart: asStringList(raw['on-run-start'], []),
    onRunEnd: asStringList(raw['on-run-end'], []),
    onRunStartLines: hookLines(document.get('on-run-start', true), lineCounter),
    onRunEndLines: hookLines(document.get('on-run-end', true), lineCounter),
    packagesInstallPath: installPath,
    dispatch,
  });
}

const DISPATCH_SHAPE = 'a list of {macro_namespace: name, search_order: [package, ...]}';

function readDispatch(value: unknown, wrong: () => UserError): DispatchOrder[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw wrong();
  return value.map((entry) => {
    const namespace = (entry as Record<string, unknown> | null)?.['macro_namespace'];
    const order = (entry as Record<string, unknown> | null)?.['search_order'];
    if (
      typeof namespace !== 'string' ||
      !Array.isArray(order) ||
      !order.every((item) => typeof item === 'string')
    )
      throw wrong();
    return { macroNamespace: namespace, searchOrder: order as string[] };
  });
}
