import nunjucks from 'nunjucks';
import type { GraphNode } from '../graph/graph-node.js';
import { ScopedNames } from '../graph/scoped-names.js';
import { quoteIdentifier } from '../../base/warehouse/quote.js';
import type { WarehouseQueries } from './warehouse-queries.js';
import type { RenderScope, RenderState } from './render-input.js';
import { Relation } from '../../base/warehouse/relation.js';
import { createRenderContext, type RenderHooks } from './render-context.js';
import { CompilerError } from './template-error.js';

/** The names a test's SQL uses to check only new rows (see {@link RenderState.testCheckpoint}). */
function newRowsContext(state: RenderState): Record<string, unknown> {
  const checkpoint = state.testCheckpoint;
  if (!checkpoint || checkpoint.checkedThrough === null) return { new_rows_only: false };
  return {
    new_rows_only: true,
    new_rows_by: quoteIdentifier(checkpoint.column),
    checked_through: checkpoint.checkedThrough,
  };
}

/** The name an ephemeral model has inside the SQL that uses it. */
export function ephemeralCteName(name: string): string {
  return `__dbt__cte__${name}`;
}

/** What `ref` and `source` find in a parsed project, by name in their package. */
interface NameIndex {
  /** Models, seeds and snapshots. */
  readonly refs: ScopedNames<GraphNode>;
  /** Source tables by `<source>.<table>`. */
  readonly sources: ScopedNames<GraphNode>;
}

const nameIndex = new WeakMap<RenderScope, NameIndex>();

/** The {@link NameIndex} of a parsed project (cached). */
function nodesByName(parsed: RenderScope): NameIndex {
  let index = nameIndex.get(parsed);
  if (!index) {
    const root = parsed.project.file.name;
    index = { refs: new ScopedNames(root), sources: new ScopedNames(root) };
    const rootPrefix = `source.${root}.`;
    for (const candidate of parsed.nodes.values()) {
      const { resourceType, packageName, uniqueId } = candidate;
      if (resourceType === 'model' || resourceType === 'seed' || resourceType === 'snapshot')
        index.refs.set(candidate.name, packageName, candidate);
      else if (resourceType === 'source') {
        const prefix = packageName ? `source.${packageName}.` : rootPrefix;
        index.sources.set(uniqueId.slice(prefix.length), packageName, candidate);
      }
    }
    nameIndex.set(parsed, index);
  }
  return index;
}

function executeHooks(
  parsed: RenderScope,
  node: GraphNode | undefined,
  state: RenderState,
  ephemerals: string[],
): RenderHooks {
  const { refs, sources } = nodesByName(parsed);
  return {
    mode: 'execute',
    ref: (name, packageName) => {
      const target = refs.find(name, node?.packageName, packageName);
      if (!target?.relation)
        throw new CompilerError(
          `${packageName === undefined ? `ref('${name}')` : `ref('${packageName}', '${name}')`}: no such model or seed`,
        );
      const substitute = state.substitutes?.get(target.uniqueId);
      if (substitute) return substitute;
      if (target.materialized === 'ephemeral') {
        if (!ephemerals.includes(target.uniqueId)) ephemerals.push(target.uniqueId);
        return new Relation(
          target.relation.schema,
          target.relation.identifier,
          ephemeralCteName(name),
          'cte',
        );
      }
      return target.relation;
    },
    source: (sourceName, tableName) => {
      const source = sources.find(`${sourceName}.${tableName}`, node?.packageName);
      if (!source?.relation)
        throw new CompilerError(`source('${sourceName}', '${tableName}'): no such source`);
      return state.substitutes?.get(source.uniqueId) ?? source.relation;
    },
    config: () => {},
    currentConfig: () => node?.config ?? {},
    isIncremental: () => state.isIncremental ?? false,
  };
}

/** The render context of the execute pass for `node` (or for project hooks when undefined). */
function executeContext(
  parsed: RenderScope,
  node: GraphNode | undefined,
  state: RenderState,
  ephemerals: string[],
  packageName = node?.packageName,
): Record<string, unknown> {
  const context = createRenderContext(executeHooks(parsed, node, state, ephemerals), {
    projectName: parsed.project.file.name,
    vars: {
      ...((packageName && parsed.packageVars.get(packageName)) || parsed.vars),
      ...state.vars,
    },
    self: (node && state.substitutes?.get(node.uniqueId)) ?? node?.relation,
    env: state.env ? { ...process.env, ...state.env } : undefined,
    fullRefresh: parsed.fullRefresh,
    runStartedAt: parsed.runStartedAt,
    invocationId: parsed.invocationId,
    extra: { ...node?.extraContext, ...newRowsContext(state) },
    queries: state.queries,
    target: parsed.target,
  });
  return { ...context, ...parsed.macros.bind(context, packageName) };
}

/**
 * Inserts ephemeral models as CTEs in front of `sql`, the way dbt does: into the query's own
 * `with` clause when it has one, else as a new `with`.
 */
export function injectCtes(sql: string, ctes: readonly { name: string; sql: string }[]): string {
  if (ctes.length === 0) return sql;
  const definitions = ctes.map((cte) => `${cte.name} as (\n${cte.sql}\n)`).join(',\n');
  // Skip leading whitespace and comments to find the first keyword.
  const lead = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/.exec(sql)![0];
  const rest = sql.slice(lead.length);
  const withClause = /^with(\s+recursive)?\b/i.exec(rest);
  if (withClause) {
    return `${lead}${withClause[0]} ${definitions},\n${rest.slice(withClause[0].length).replace(/^\s+/, '')}`;
  }
  return `${lead}with ${definitions}\n${rest}`;
}

/** Removes trailing semicolons and whitespace (models are wrapped in DDL). */
export function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/**
 * The execute pass for one node: renders its SQL with the real context and inlines the ephemeral
 * models it uses (recursively, dependencies first). Throws template and compiler errors as is.
 */
export function renderNodeSql(
  parsed: RenderScope,
  node: GraphNode,
  state: RenderState = {},
): string {
  if (!node.template) throw new Error(`${node.uniqueId} has no SQL to render`);
  return renderWithEphemerals(parsed, node, node.template, state);
}

/**
 * An analysis (`analyses/*.sql`): rendered as a model would be, with the ephemeral models it
 * reads inlined, but for no node (`this` is undefined). A package's analysis calls its package's
 * macros unqualified and sees its package's vars.
 */
export function renderAnalysis(
  parsed: RenderScope,
  analysis: { readonly text: string; readonly path: string; readonly packageName?: string },
): string {
  return renderWithEphemerals(
    parsed,
    undefined,
    new nunjucks.Template(analysis.text, parsed.env, analysis.path, true),
    {},
    analysis.packageName,
  );
}

function renderWithEphemerals(
  parsed: RenderScope,
  node: GraphNode | undefined,
  template: nunjucks.Template,
  state: RenderState,
  packageName?: string,
): string {
  const ctes: { name: string; sql: string }[] = [];
  const seen = new Set<string>();
  const renderWith = (
    target: GraphNode | undefined,
    targetTemplate: nunjucks.Template,
    targetState: RenderState,
  ): string => {
    // A test of an ephemeral model (or with one as an argument) reads its CTE.
    const ephemerals: string[] =
      target?.resourceType === 'test'
        ? target.dependsOn.filter((id) => parsed.nodes.get(id)?.materialized === 'ephemeral')
        : [];
    const sql = stripTrailingSemicolons(
      targetTemplate.render(
        executeContext(
          parsed,
          target,
          targetState,
          ephemerals,
          target ? target.packageName : packageName,
        ),
      ),
    );
    for (const id of ephemerals) {
      if (seen.has(id)) continue;
      seen.add(id);
      const ephemeral = parsed.nodes.get(id)!;
      const body = renderWith(ephemeral, ephemeral.template!, { queries: state.queries });
      ctes.push({ name: ephemeralCteName(ephemeral.name), sql: body });
    }
    return sql;
  };
  const sql = renderWith(node, template, state);
  return injectCtes(sql, ctes);
}

/** Renders a hook (`pre_hook`, `post_hook`, `on-run-start`, `on-run-end`) for `node` (or the project). */
export function renderHook(
  parsed: RenderScope,
  hook: string,
  node?: GraphNode,
  queries?: WarehouseQueries,
): string {
  const ephemerals: string[] = [];
  return parsed.env
    .renderString(hook, executeContext(parsed, node, { queries }, ephemerals))
    .trim();
}
