import { createHash } from 'node:crypto';
import { Relation } from '../../base/warehouse/relation.js';
import { pyStr } from '../compile/python-builtins.js';
import { didYouMean } from '../compile/suggest.js';
import { describeTemplateError } from '../compile/template-error.js';
import type { RelationNode, TestNode } from '../graph/graph-node.js';
import { mergeConfig, toList } from '../project/folder-config.js';
import { propertiesKey, type TestDeclaration } from '../project/properties.js';
import { buildNode } from './build-node.js';
import { captureContext, renderCapture, startCapture, type Capture } from './config-capture.js';
import type { Dependencies } from './dependencies.js';
import { newRowsByProblem } from './new-rows-by.js';
import type { ParseSession } from './parse-session.js';
import { resolveTestConfig, testConfigDefaults } from './test-config.js';

/**
 * The generic tests declared in properties YAML on models, seeds and sources (`tests:` or
 * `data_tests:`): each a call of its `{% test %}` macro with the tested relation, the column and
 * the arguments. Tests declared for a model or seed that does not exist are reported.
 */
export function parseGenericTests(session: ParseSession, dependencies: Dependencies): void {
  const { project } = session;
  // A package's YAML describes the package's own nodes: find by kind, package and name.
  const byKindAndName = new Map(
    [...session.nodes.values()].map((node) => [
      `${node.resourceType}:${propertiesKey(node.name, node.packageName)}`,
      node,
    ]),
  );
  for (const [kind, map] of [
    ['model', project.properties.models],
    ['seed', project.properties.seeds],
    ['snapshot', project.properties.snapshots],
  ] as const) {
    for (const props of map.values()) {
      const target = byKindAndName.get(`${kind}:${propertiesKey(props.name, props.packageName)}`);
      if (target && target.resourceType !== 'test' && target.resourceType !== 'unit_test') {
        for (const declaration of props.tests)
          addGenericTest(session, dependencies, declaration, target);
      } else if (
        props.tests.length > 0 &&
        !session.disabled.has(props.name, props.packageName) &&
        session.ownerOf(props.name, props.packageName) === undefined
      ) {
        // dbt warns and ignores the tests of a node that does not exist; so do we, loudly.
        session.warnings.push(
          `${props.file}: tests declared for unknown ${kind} "${props.name}" are ignored.${didYouMean(props.name, dependencies.names())}`,
        );
      }
    }
  }
  for (const table of project.properties.sources) {
    const target = session.sources.get(`${table.sourceName}.${table.name}`, table.packageName);
    if (target)
      for (const declaration of table.tests)
        addGenericTest(session, dependencies, declaration, target);
  }
}

function addGenericTest(
  session: ParseSession,
  dependencies: Dependencies,
  declaration: TestDeclaration,
  target: RelationNode,
): void {
  const report = (message: string): void =>
    void session.issues.push({ file: declaration.file, line: declaration.line, message });
  const found = session.macros.find(`test_${declaration.testName}`, declaration.namespace);
  if (!found) return report(unknownTestMessage(session, declaration, target));
  const argNames = Object.keys(declaration.args);
  const badArg = argNames.find((name) => !/^[A-Za-z_]\w*$/.test(name));
  if (badArg) return report(`test argument "${badArg}" is not a valid name`);
  const name = session.claimTestName(
    declaration.customName ?? genericTestName(declaration, target),
  );
  const call =
    `{{ ${found.call}(model=__test_model` +
    (declaration.columnName !== undefined ? ', column_name=__test_column' : '') +
    argNames.map((arg) => `, ${arg}=__test_arg_${arg}`).join('') +
    ') }}';
  const template = session.compileTemplate(call, declaration.file);
  if (!template) return;
  // A test declared in a package's YAML is the package's, as in dbt.
  const owner = session.project.packages.find((pkg) => declaration.file.startsWith(`${pkg.dir}/`));
  const capture = startCapture(testConfigDefaults(session.project, declaration.file), owner?.name);
  const args = renderArguments(session, declaration, capture);
  if (!args) return;
  const tested = testedRelation(session, target);
  const extra: Record<string, unknown> = {
    __test_model: filtered(tested, { ...capture.config, ...declaration.config }['where']),
    __test_column: declaration.columnName,
  };
  // One name per argument: `args.values` would hit Jinja's dict.values() method.
  for (const [key, value] of Object.entries(args)) extra[`__test_arg_${key}`] = value;
  if (!renderCapture(session, template, declaration.file, capture, undefined, extra)) return;
  const config = mergeConfig(capture.config, declaration.config);
  if (config['enabled'] === false) return;
  const newRowsProblem = newRowsByProblem(config['new_rows_by'], target, config['where']);
  if (newRowsProblem) return report(`test "${name}" on ${target.name}: ${newRowsProblem}`);
  const node = buildNode<TestNode>(session, {
    resourceType: 'test',
    name,
    idName: `${name}.${dbtTestHash(name, declaration, target)}`,
    ...(owner ? { packageName: owner.name } : {}),
    path: declaration.file,
    config,
    resolved: resolveTestConfig(config),
    dependsOn: [
      ...new Set([
        target.uniqueId,
        ...dependencies.resolve(capture, `test "${name}"`, declaration.file),
      ]),
    ],
    rawCode: call,
    test: {
      kind: 'generic',
      testName: declaration.testName,
      attachedNode: target.uniqueId,
      columnName: declaration.columnName,
      args: declaration.args,
    },
    template,
    extraContext: { ...extra, __test_model: filtered(tested, config['where']) },
  });
  session.nodes.set(node.uniqueId, node);
}

function unknownTestMessage(
  session: ParseSession,
  declaration: TestDeclaration,
  target: RelationNode,
): string {
  const { testName, namespace } = declaration;
  const fullName = namespace === undefined ? testName : `${namespace}.${testName}`;
  const where =
    namespace === undefined
      ? 'macros/, tests/generic/ or an installed package'
      : namespace === session.projectName || session.macros.packageNames().includes(namespace)
        ? `package ${namespace}`
        : `package ${namespace}, which is not installed (installed: ${session.macros.packageNames().join(', ') || 'none'}; run "npm run dbt -- deps")`;
  const testMacros = session.macros.namesStartingWith('test_', namespace);
  return `unknown test "${fullName}" on ${target.name}: no {% test ${testName}(...) %} in ${where}.${didYouMean(
    `test_${testName}`,
    testMacros,
  )}`.replace(/"test_/g, '"');
}

/**
 * dbt's name for a generic test (`synthesize_generic_test_names`): the test (`source_` before a
 * source's, its package before that), the tested node (`<source>_<table>` for a source), then every
 * argument but `model`, sorted by name, each value (a list's items, a dict's values) as Python
 * prints it with anything but letters, digits and `_` made `_`, joined by `__`: the node's name and
 * unique_id, so `--select` by name and anything reading the artifacts see dbt's names (dbt shortens
 * only a name's table alias and compiled file, past 63 characters).
 */
function genericTestName(declaration: TestDeclaration, target: RelationNode): string {
  const isSource = target.resourceType === 'source';
  const own = `${isSource ? 'source_' : ''}${declaration.testName}`;
  const testType = declaration.namespace === undefined ? own : `${declaration.namespace}_${own}`;
  const tested = isSource ? target.uniqueId.split('.').slice(2).join('_') : target.name;
  const args: Record<string, unknown> = { ...declaration.args };
  if (declaration.columnName !== undefined) args['column_name'] = declaration.columnName;
  const parts = Object.keys(args)
    .sort()
    .filter((name) => name !== 'model')
    .flatMap((name) => {
      const value = args[name];
      if (Array.isArray(value)) return value;
      if (value !== null && typeof value === 'object') return Object.values(value);
      return [value];
    })
    .map((part) => pyStr(part).replace(/[^0-9a-zA-Z_]+/g, '_'));
  const identifier = `${testType}_${tested}`;
  return `${identifier}_${parts.join('__')}`;
}

/** dbt's `get_hashable_md`: dicts with sorted keys, lists item by item, anything else its `str`. */
function hashable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hashable);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, hashable((value as Record<string, unknown>)[key])]),
    );
  return pyStr(value);
}

/**
 * The suffix of a generic test's unique_id, as dbt makes it: the last 10 hex digits of the md5 of
 * the test's name and the Python repr of its metadata (namespace, name, and its unrendered kwargs
 * with `column_name` and `model`), so that `test.<package>.<name>.<hash>` is dbt's.
 */
function dbtTestHash(name: string, declaration: TestDeclaration, target: RelationNode): string {
  const tested =
    target.resourceType === 'source'
      ? `source('${target.uniqueId.split('.')[2]}', '${target.name}')`
      : `ref('${target.name}')`;
  const kwargs: Record<string, unknown> = {
    ...declaration.args,
    ...(declaration.columnName !== undefined ? { column_name: declaration.columnName } : {}),
    model: `{{ get_where_subquery(${tested}) }}`,
  };
  const metadata = {
    kwargs,
    name: declaration.testName,
    namespace: declaration.namespace ?? null,
  };
  return createHash('md5')
    .update(name + pyStr(hashable(metadata)))
    .digest('hex')
    .slice(-10);
}

const BARE_RELATION = /^\s*(ref|source)\s*\(.*\)\s*$/s;
const SINGLE_EXPRESSION = /^\s*\{\{-?([\s\S]*?)-?\}\}\s*$/;

/**
 * The test's arguments rendered as dbt renders them when it parses: `ref('x')` / `source('s', 't')`
 * and a lone `{{ expression }}` to the value itself (a relation stays a relation), any other text
 * with Jinja in it to its text (`expression: "day = {{ dbt_date.tomorrow('d') }}"`). Refs and
 * sources are recorded in `capture`; undefined after reporting a template error.
 */
function renderArguments(
  session: ParseSession,
  declaration: TestDeclaration,
  capture: Capture,
): Record<string, unknown> | undefined {
  const failed = Symbol('failed');
  const render = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(render);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
    if (typeof value !== 'string' || !(BARE_RELATION.test(value) || /\{[{%]/.test(value)))
      return value;
    const rendered = renderArgument(session, declaration, capture, value);
    if (rendered === undefined) throw failed;
    return rendered.value;
  };
  try {
    return Object.fromEntries(
      Object.entries(declaration.args).map(([key, value]) => [key, render(value)]),
    );
  } catch (error) {
    if (error === failed) return undefined;
    throw error;
  }
}

/** One templated argument, or undefined after reporting its template error. */
function renderArgument(
  session: ParseSession,
  declaration: TestDeclaration,
  capture: Capture,
  value: string,
): { value: unknown } | undefined {
  const single = BARE_RELATION.test(value) ? value : SINGLE_EXPRESSION.exec(value)?.[1];
  const text = single === undefined ? value : `{{ __capture_argument((${single})) }}`;
  const argTemplate = session.compileTemplate(text, declaration.file);
  if (!argTemplate) return undefined;
  try {
    const captured: { value?: unknown } = {};
    const context = captureContext(session, capture, undefined, {
      __capture_argument: (native: unknown) => {
        captured.value = native;
        return '';
      },
    });
    const rendered = argTemplate.render({ ...context, ...session.macros.bind(context) });
    return { value: single === undefined ? rendered : captured.value };
  } catch (error) {
    const { message } = describeTemplateError(error);
    session.issues.push({ file: declaration.file, line: declaration.line, message });
    return undefined;
  }
}

/** The relation a test reads: a source's own, else what a ref resolves to (an ephemeral model's CTE). */
function testedRelation(session: ParseSession, target: RelationNode): Relation {
  if (target.resourceType === 'source') return target.relation;
  return session.refRelations.get(target.name, target.packageName) ?? target.relation;
}

/** The tested relation, filtered by the test's `where` config when it has one. */
function filtered(relation: Relation, where: unknown): Relation {
  if (!where) return relation;
  return new Relation(
    '',
    '',
    `(select * from ${relation.render()} where ${String(where)}) dbt_subquery`,
  );
}
