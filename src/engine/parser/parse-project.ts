import { createHash, randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import nunjucks from 'nunjucks';
import {
  folderSegments,
  mergeConfig,
  resolveFolderConfig,
  toList,
} from '../project/folder-config.js';
import type { Project } from '../project/load-project.js';
import type { ProjectIssue } from '../project/project-issue.js';
import type { TestDeclaration } from '../project/properties.js';
import type { GraphNode, Materialization } from '../graph/graph-node.js';
import { MacroLibrary } from '../compile/macro-library.js';
import { Relation } from '../../base/warehouse/relation.js';
import { ephemeralCteName } from '../compile/render-node.js';
import type { RenderScope } from '../compile/render-input.js';
import { createRenderContext, type RenderHooks } from '../compile/render-context.js';
import { didYouMean } from '../compile/suggest.js';
import { createTemplateEnvironment } from '../compile/template-environment.js';
import { describeTemplateError } from '../compile/template-error.js';

/** Options of the parse pass. */
export interface ParseOptions {
  /** `--vars`, overriding the project's `vars:`. Default `{}`. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Default `false`. */
  readonly fullRefresh?: boolean;
}

/** A parsed project: every node with its config and dependencies, plus what rendering needs. */
export interface ParsedProject extends RenderScope {
  /** Every problem found; the runner refuses to run when there is any. */
  readonly issues: readonly ProjectIssue[];
}

const MATERIALIZATIONS = new Set(['view', 'table', 'incremental', 'ephemeral']);

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9_]+/g, '_');
}

/**
 * dbt's default schema naming: a model without `+schema` lives in the target schema (`main`), a
 * model with `+schema: x` in `main_x`. A project macro `generate_schema_name` overrides this.
 */
function schemaFor(custom: unknown, override: ((custom: unknown) => unknown) | undefined): string {
  if (override) return String(override(custom ?? null)).trim();
  return custom === undefined || custom === null || custom === ''
    ? 'main'
    : `main_${String(custom)}`;
}

/**
 * The vars a project's templates see: the project's `vars:`, then those scoped to the project
 * (`vars: {<project name>: {key: value}}`, as dbt allows), then `--vars`, later ones winning.
 */
function projectVars(
  project: Project,
  overrides: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const { vars: declared, name } = project.file;
  const scoped = declared[name];
  if (scoped === null || typeof scoped !== 'object' || Array.isArray(scoped)) {
    return { ...declared, ...overrides };
  }
  const global = { ...declared };
  delete global[name];
  return { ...global, ...(scoped as Record<string, unknown>), ...overrides };
}

/**
 * The parse pass: renders every model, test and hook with a capturing context to learn its
 * refs, sources and config (what dbt does), builds the nodes and collects every problem
 * (template errors with file and line, unknown refs and sources, duplicates, bad config).
 */
export function parseProject(project: Project, options: ParseOptions = {}): ParsedProject {
  const issues: ProjectIssue[] = [...project.issues];
  const env = createTemplateEnvironment();
  const macros = new MacroLibrary(env, project.macroFiles, issues);
  const vars = projectVars(project, options.vars);
  const fullRefresh = options.fullRefresh ?? false;
  const runStartedAt = new Date().toISOString();
  const invocationId = randomUUID();
  const projectName = project.file.name;
  const nodes = new Map<string, GraphNode>();
  const templateCache = new Map<string, nunjucks.Template>();

  const compileTemplate = (text: string, file: string): nunjucks.Template | undefined => {
    const cached = templateCache.get(text);
    if (cached) return cached;
    try {
      const template = new nunjucks.Template(text, env, file, true);
      templateCache.set(text, template);
      return template;
    } catch (error) {
      const problem = describeTemplateError(error, 'compile');
      issues.push({
        file,
        ...(problem.line ? { line: problem.line } : {}),
        message: `template error: ${problem.message}`,
      });
      return undefined;
    }
  };

  // Names of models and seeds: unique across the project.
  const owners = new Map<string, string>();
  const claim = (name: string, file: string): boolean => {
    const existing = owners.get(name);
    if (existing) {
      issues.push({
        file,
        message: `"${name}" is defined twice: in ${existing} and in ${file} (model and seed names must be unique)`,
      });
      return false;
    }
    owners.set(name, file);
    return true;
  };

  // Sources.
  const sources = new Map<string, GraphNode>();
  for (const table of project.properties.sources) {
    const key = `${table.sourceName}.${table.name}`;
    if (sources.has(key)) {
      issues.push({ file: table.file, message: `source ${key} is declared twice` });
      continue;
    }
    sources.set(key, {
      uniqueId: `source.${projectName}.${key}`,
      resourceType: 'source',
      name: table.name,
      path: table.file,
      config: {},
      tags: [],
      dependsOn: [],
      relation: new Relation(table.schema, table.identifier),
      rawCode: '',
      description: table.description,
      columns: [],
    });
  }

  const generateSchemaName = (custom: unknown): string => {
    if (!macros.macros.has('generate_schema_name')) return schemaFor(custom, undefined);
    const bound = macros.bind(baseContext(undefined));
    const macro = bound['generate_schema_name'] as (...args: unknown[]) => unknown;
    return schemaFor(custom, (value) => macro(value, null));
  };

  // A render context for the parse pass that records what the template asks for.
  interface Capture {
    refs: { name: string; line?: number }[];
    sources: [string, string][];
    config: Record<string, unknown>;
  }
  const modelRelations = new Map<string, Relation>();
  const parseHooks = (capture: Capture): RenderHooks => ({
    mode: 'parse',
    ref: (name) => {
      capture.refs.push({ name });
      return modelRelations.get(name) ?? new Relation('main', name);
    },
    source: (sourceName, tableName) => {
      capture.sources.push([sourceName, tableName]);
      return sources.get(`${sourceName}.${tableName}`)?.relation ?? new Relation('main', tableName);
    },
    config: (values) => {
      capture.config = mergeConfig(capture.config, values);
    },
    currentConfig: () => capture.config,
    isIncremental: () => false,
  });
  function baseContext(
    self: Relation | undefined,
    hooks?: RenderHooks,
    extra?: Record<string, unknown>,
  ): Record<string, unknown> {
    const capture: Capture = { refs: [], sources: [], config: {} };
    return createRenderContext(hooks ?? parseHooks(capture), {
      projectName,
      vars,
      ...(self ? { self } : {}),
      fullRefresh,
      runStartedAt,
      invocationId,
      ...(extra ? { extra } : {}),
    });
  }
  const renderParse = (
    template: nunjucks.Template,
    file: string,
    capture: Capture,
    self: Relation | undefined,
    extra?: Record<string, unknown>,
  ): boolean => {
    try {
      const context = baseContext(self, parseHooks(capture), extra);
      template.render({ ...context, ...macros.bind(context) });
      return true;
    } catch (error) {
      const problem = describeTemplateError(error);
      issues.push({
        file,
        ...(problem.line ? { line: problem.line } : {}),
        message: problem.message,
      });
      return false;
    }
  };

  // Seeds first (models may ref them).
  for (const seed of project.seeds) {
    if (!claim(seed.name, seed.path)) continue;
    const props = project.properties.seeds.get(seed.name);
    const config = mergeConfig(seed.folderConfig, props?.config ?? {});
    if (config['enabled'] === false) continue;
    const relation = new Relation(
      generateSchemaName(config['schema']),
      String(config['alias'] ?? seed.name),
    );
    modelRelations.set(seed.name, relation);
    nodes.set(`seed.${projectName}.${seed.name}`, {
      uniqueId: `seed.${projectName}.${seed.name}`,
      resourceType: 'seed',
      name: seed.name,
      path: seed.path,
      config,
      tags: toList(config['tags']).map(String),
      dependsOn: [],
      relation,
      rawCode: '',
      description: props?.description ?? '',
      columns: props?.columns ?? [],
    });
  }

  // Models: first a relation for each (so refs resolve to the right schema), then the parse render.
  const modelCaptures = new Map<string, { capture: Capture; template: nunjucks.Template }>();
  const disabled = new Set<string>();
  for (const model of project.models) {
    if (!claim(model.name, model.path)) continue;
    const props = project.properties.models.get(model.name);
    const template = compileTemplate(model.text, model.path);
    const baseConfig = mergeConfig(
      { materialized: 'view' },
      model.folderConfig,
      props?.config ?? {},
    );
    const capture: Capture = { refs: [], sources: [], config: baseConfig };
    modelRelations.set(
      model.name,
      new Relation(
        generateSchemaName(baseConfig['schema']),
        String(baseConfig['alias'] ?? model.name),
      ),
    );
    if (template) modelCaptures.set(model.name, { capture, template });
  }
  for (const model of project.models) {
    const entry = modelCaptures.get(model.name);
    if (!entry || owners.get(model.name) !== model.path) continue;
    const { capture, template } = entry;
    if (!renderParse(template, model.path, capture, modelRelations.get(model.name))) continue;
    const config = capture.config;
    if (config['enabled'] === false) {
      disabled.add(model.name);
      modelRelations.delete(model.name);
      continue;
    }
    const materialized = String(config['materialized']);
    if (!MATERIALIZATIONS.has(materialized)) {
      issues.push({
        file: model.path,
        message: `unknown materialization "${materialized}" (use view, table, incremental or ephemeral)`,
      });
      continue;
    }
    if (materialized === 'incremental') {
      const strategy = String(config['incremental_strategy'] ?? 'merge');
      if (!['append', 'merge', 'delete+insert'].includes(strategy)) {
        issues.push({
          file: model.path,
          message: `unknown incremental_strategy "${strategy}" (use append, merge or delete+insert)`,
        });
      } else if (
        strategy !== 'append' &&
        config['unique_key'] === undefined &&
        config['incremental_strategy'] !== undefined
      ) {
        issues.push({
          file: model.path,
          message: `incremental_strategy "${strategy}" needs a unique_key`,
        });
      }
    }
    const relation = new Relation(
      generateSchemaName(config['schema']),
      String(config['alias'] ?? model.name),
    );
    modelRelations.set(model.name, relation);
    const props = project.properties.models.get(model.name);
    nodes.set(`model.${projectName}.${model.name}`, {
      uniqueId: `model.${projectName}.${model.name}`,
      resourceType: 'model',
      name: model.name,
      path: model.path,
      config,
      tags: toList(config['tags']).map(String),
      dependsOn: [],
      relation,
      materialized: materialized as Materialization,
      rawCode: model.text,
      description: props?.description ?? '',
      columns: props?.columns ?? [],
      template,
    });
  }

  // From here on (tests), a ref to an ephemeral model is its CTE, inlined when the test runs.
  for (const node of nodes.values()) {
    if (node.materialized === 'ephemeral' && node.relation) {
      modelRelations.set(
        node.name,
        new Relation(node.relation.schema, node.relation.identifier, ephemeralCteName(node.name)),
      );
    }
  }

  // Resolve dependencies of a capture into unique ids, reporting unknown names.
  const byName = new Map<string, string>();
  for (const node of nodes.values()) byName.set(node.name, node.uniqueId);
  const resolveDeps = (capture: Capture, who: string, file: string): string[] => {
    const deps: string[] = [];
    for (const { name } of capture.refs) {
      const id = byName.get(name);
      if (id) deps.push(id);
      else if (disabled.has(name))
        issues.push({ file, message: `${who} refers to model "${name}", which is disabled` });
      else
        issues.push({
          file,
          message: `${who} refers to unknown model "${name}" via ref('${name}').${didYouMean(name, byName.keys())}`,
        });
    }
    for (const [sourceName, tableName] of capture.sources) {
      const source = sources.get(`${sourceName}.${tableName}`);
      if (source) deps.push(source.uniqueId);
      else {
        issues.push({
          file,
          message: `${who} refers to unknown source "${sourceName}.${tableName}" via source('${sourceName}', '${tableName}'); declare it under sources: in a models/*.yml file.${didYouMean(`${sourceName}.${tableName}`, sources.keys())}`,
        });
      }
    }
    return [...new Set(deps)];
  };
  for (const [name, { capture }] of modelCaptures) {
    const id = `model.${projectName}.${name}`;
    const node = nodes.get(id);
    if (!node) continue;
    nodes.set(id, { ...node, dependsOn: resolveDeps(capture, `model "${name}"`, node.path) });
  }
  for (const source of sources.values()) nodes.set(source.uniqueId, source);

  // Tests.
  const testNames = new Set<string>();
  const uniqueTestName = (wanted: string): string => {
    let name =
      wanted.length > 64
        ? `${wanted.slice(0, 50)}_${createHash('md5').update(wanted).digest('hex').slice(0, 10)}`
        : wanted;
    for (let i = 2; testNames.has(name); i++) name = `${wanted}_${i}`;
    testNames.add(name);
    return name;
  };
  // `data_tests:` (or `tests:`) in dbt_project.yml: `+severity`, `+where` … for the whole project
  // or per folder of the file that declares the test.
  const testRoots = [
    ...project.file.modelPaths,
    ...project.file.seedPaths,
    ...project.file.testPaths,
    ...project.file.macroPaths,
  ];
  const testConfigDefaults = (file: string): Record<string, unknown> =>
    mergeConfig(
      { severity: 'error' },
      resolveFolderConfig(project.file.tests, projectName, folderSegments(file, testRoots)),
    );
  const addGenericTest = (declaration: TestDeclaration, target: GraphNode): void => {
    const macroName = `test_${declaration.testName}`;
    const where = `${declaration.file}${declaration.line ? `:${declaration.line}` : ''}`;
    if (!macros.macros.has(macroName)) {
      issues.push({
        file: declaration.file,
        ...(declaration.line ? { line: declaration.line } : {}),
        message:
          `unknown test "${declaration.testName}" on ${target.name}: no {% test ${declaration.testName}(...) %} in macros/ or tests/generic/.${didYouMean(
            macroName,
            [...macros.macros.keys()].filter((m) => m.startsWith('test_')),
          )}`.replace(/"test_/g, '"'),
      });
      return;
    }
    const argNames = Object.keys(declaration.args);
    const badArg = argNames.find((name) => !/^[A-Za-z_]\w*$/.test(name));
    if (badArg) {
      issues.push({
        file: declaration.file,
        ...(declaration.line ? { line: declaration.line } : {}),
        message: `test argument "${badArg}" is not a valid name`,
      });
      return;
    }
    // dbt's naming: not_null_orders_order_id, accepted_values_orders_status__a__b.
    const base = [declaration.testName, target.name, declaration.columnName]
      .filter(Boolean)
      .join('_');
    const argText = Object.values(declaration.args)
      .flatMap((value) =>
        toList(value).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))),
      )
      .join('__');
    const name = uniqueTestName(
      declaration.customName ?? sanitize(argText ? `${base}__${argText}` : base),
    );
    const call =
      `{{ ${macroName}(model=__test_model` +
      (declaration.columnName !== undefined ? ', column_name=__test_column' : '') +
      argNames.map((arg) => `, ${arg}=__test_arg_${arg}`).join('') +
      ') }}';
    const template = compileTemplate(call, declaration.file);
    if (!template) return;
    // Arguments written as ref('x') / source('s', 't') are rendered like dbt renders them.
    const capture: Capture = {
      refs: [],
      sources: [],
      config: testConfigDefaults(declaration.file),
    };
    const args: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(declaration.args)) {
      if (typeof value === 'string' && /^\s*(ref|source)\s*\(.*\)\s*$/s.test(value)) {
        const argTemplate = compileTemplate(`{{ ${value} }}`, declaration.file);
        if (!argTemplate) return;
        try {
          args[key] = new Relation(
            '',
            '',
            argTemplate.render(baseContext(undefined, parseHooks(capture))),
          );
        } catch (error) {
          issues.push({
            file: declaration.file,
            ...(declaration.line ? { line: declaration.line } : {}),
            message: describeTemplateError(error).message,
          });
          return;
        }
      } else args[key] = value;
    }
    const tested = modelRelations.get(target.name) ?? target.relation!;
    const testedRelation = target.resourceType === 'source' ? target.relation! : tested;
    const modelRelation = (config: Readonly<Record<string, unknown>>): Relation =>
      config['where']
        ? new Relation(
            '',
            '',
            `(select * from ${testedRelation.render()} where ${String(config['where'])}) dbt_subquery`,
          )
        : testedRelation;
    const extra: Record<string, unknown> = {
      __test_model: modelRelation({ ...capture.config, ...declaration.config }),
      __test_column: declaration.columnName,
    };
    // One name per argument: `args.values` would hit Jinja's dict.values() method.
    for (const [key, value] of Object.entries(args)) extra[`__test_arg_${key}`] = value;
    if (!renderParse(template, where.split(':')[0]!, capture, undefined, extra)) return;
    const config = mergeConfig(capture.config, declaration.config);
    if (config['enabled'] === false) return;
    const newRowsProblem = newRowsByProblem(config['new_rows_by'], target, config['where']);
    if (newRowsProblem) {
      issues.push({
        file: declaration.file,
        ...(declaration.line ? { line: declaration.line } : {}),
        message: `test "${name}" on ${target.name}: ${newRowsProblem}`,
      });
      return;
    }
    const dependsOn = [
      ...new Set([target.uniqueId, ...resolveDeps(capture, `test "${name}"`, declaration.file)]),
    ];
    nodes.set(`test.${projectName}.${name}`, {
      uniqueId: `test.${projectName}.${name}`,
      resourceType: 'test',
      name,
      path: declaration.file,
      config,
      tags: toList(config['tags']).map(String),
      dependsOn,
      rawCode: call,
      description: '',
      columns: [],
      test: {
        kind: 'generic',
        testName: declaration.testName,
        attachedNode: target.uniqueId,
        ...(declaration.columnName !== undefined ? { columnName: declaration.columnName } : {}),
        args: declaration.args,
      },
      template,
      extraContext: { ...extra, __test_model: modelRelation(config) },
    });
  };
  for (const [kind, map] of [
    ['model', project.properties.models],
    ['seed', project.properties.seeds],
  ] as const) {
    for (const props of map.values()) {
      const target = nodes.get(`${kind}.${projectName}.${props.name}`);
      if (!target) {
        if (props.tests.length > 0 && !disabled.has(props.name) && !owners.has(props.name)) {
          issues.push({
            file: props.file,
            message: `tests declared for unknown ${kind} "${props.name}".${didYouMean(props.name, byName.keys())}`,
          });
        }
        continue;
      }
      for (const declaration of props.tests) addGenericTest(declaration, target);
    }
  }
  for (const table of project.properties.sources) {
    const target = sources.get(`${table.sourceName}.${table.name}`);
    if (target) for (const declaration of table.tests) addGenericTest(declaration, target);
  }
  for (const file of project.singularTests) {
    const template = compileTemplate(file.text, file.path);
    if (!template) continue;
    const capture: Capture = { refs: [], sources: [], config: testConfigDefaults(file.path) };
    if (!renderParse(template, file.path, capture, undefined)) continue;
    const name = uniqueTestName(basename(file.path, '.sql'));
    if (capture.config['enabled'] === false) continue;
    if (capture.config['new_rows_by'] !== undefined) {
      issues.push({
        file: file.path,
        message: `test "${name}": new_rows_by is for generic tests declared on one model or source, not singular tests`,
      });
      continue;
    }
    nodes.set(`test.${projectName}.${name}`, {
      uniqueId: `test.${projectName}.${name}`,
      resourceType: 'test',
      name,
      path: file.path,
      config: capture.config,
      tags: toList(capture.config['tags']).map(String),
      dependsOn: resolveDeps(capture, `test "${name}"`, file.path),
      rawCode: file.text,
      description: '',
      columns: [],
      test: { kind: 'singular' },
      template,
    });
  }

  // Hooks must at least compile; an error names the hook and its line in dbt_project.yml.
  for (const [which, hooks, lines] of [
    ['start', project.file.onRunStart, project.file.onRunStartLines],
    ['end', project.file.onRunEnd, project.file.onRunEndLines],
  ] as const) {
    for (const [index, hook] of hooks.entries()) {
      try {
        new nunjucks.Template(hook, env, 'dbt_project.yml', true);
      } catch (error) {
        const line = lines[index];
        issues.push({
          file: 'dbt_project.yml',
          ...(line !== undefined ? { line } : {}),
          message: `on-run-${which} hook #${index + 1}: template error: ${describeTemplateError(error, 'compile').message}`,
        });
      }
    }
  }

  return { project, env, macros, nodes, vars, fullRefresh, runStartedAt, invocationId, issues };
}

/**
 * Why a test's `new_rows_by` config cannot be honoured on `target`, or undefined when it can (or is
 * not set). Checking only new rows is sound only on relations that grow by appends: sources, and
 * incremental models with the `append` strategy.
 */
function newRowsByProblem(value: unknown, target: GraphNode, where: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z_]\w*$/.test(value))
    return `new_rows_by must name one column, got ${JSON.stringify(value)}`;
  // A filter may read other tables or the clock, so rows it hid when checked can enter it later.
  if (where !== undefined && where !== null && where !== '')
    return 'new_rows_by cannot be combined with where: rows the filter hides when a checkpoint is recorded could enter it later and never be checked';
  if (target.resourceType === 'source') return undefined;
  if (target.resourceType === 'seed')
    return `new_rows_by needs a relation that only grows by appends (a source, or an incremental model with incremental_strategy 'append'); ${target.name} is a seed, reloaded on every build`;
  const strategy = String(
    target.config['incremental_strategy'] ??
      (toList(target.config['unique_key']).length > 0 ? 'merge' : 'append'),
  );
  if (target.materialized === 'incremental' && strategy === 'append') return undefined;
  const how =
    target.materialized === 'incremental'
      ? `an incremental model with the ${strategy} strategy`
      : `materialized as ${target.materialized ?? 'view'}`;
  return `new_rows_by needs a relation that only grows by appends (a source, or an incremental model with incremental_strategy 'append'); ${target.name} is ${how}`;
}
