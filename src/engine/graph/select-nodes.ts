import type { GraphNode, ResourceType } from './graph-node.js';

/**
 * dbt's indirect selection: which data tests come along with the models (and seeds) selected.
 * - `eager` (dbt's default): a test of any selected model, so a `relationships` test runs when
 *   either side is selected;
 * - `buildable`: a test all of whose models are selected or upstream of one selected;
 * - `cautious`: a test all of whose models are selected;
 * - `empty`: none (only tests selected directly, by name, `test_name:` …).
 * It applies to `--exclude` the same way: excluding a model also excludes the tests the same
 * mode would bring along with it (in `eager` mode, every test that touches it).
 */
export const INDIRECT_SELECTION_MODES = ['eager', 'buildable', 'cautious', 'empty'] as const;
export type IndirectSelection = (typeof INDIRECT_SELECTION_MODES)[number];

/** Options of {@link selectNodes}. */
export interface SelectionOptions {
  /** Selectors (each may hold several, space-separated); union. Default: everything. */
  readonly select?: readonly string[];
  /** Selectors of nodes to leave out. Default: none. */
  readonly exclude?: readonly string[];
  /** Which tests come along with the selected (and excluded) models. Default `eager`. */
  readonly indirectSelection?: IndirectSelection;
}

/** The selected node ids and warnings for selectors that matched nothing. */
export interface Selection {
  readonly selected: ReadonlySet<string>;
  readonly warnings: readonly string[];
}

function splitSelectors(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(/\s+/)).filter(Boolean);
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Nodes matching one selector method and value, before graph operators. */
function matchMethod(nodes: readonly GraphNode[], method: string, value: string): GraphNode[] {
  const pattern = globToRegExp(value);
  switch (method) {
    case 'tag':
      return nodes.filter((n) => n.tags.some((t) => pattern.test(t)));
    case 'path': {
      const prefix = value.replace(/\/+$/, '');
      return nodes.filter(
        (n) =>
          n.resourceType !== 'source' &&
          (n.path === prefix || n.path.startsWith(`${prefix}/`) || pattern.test(n.path)),
      );
    }
    case 'resource_type':
      return nodes.filter((n) => n.resourceType === value);
    case 'source':
      return nodes.filter((n) => {
        if (n.resourceType !== 'source') return false;
        const sourceName = n.uniqueId.split('.')[2]!;
        return pattern.test(sourceName) || pattern.test(`${sourceName}.${n.name}`);
      });
    case 'test_type':
      return nodes.filter(
        (n) => n.test?.kind === value || (value === 'data' && n.test?.kind === 'singular'),
      );
    case 'test_name':
      return nodes.filter((n) => n.test?.testName !== undefined && pattern.test(n.test.testName));
    case 'fqn':
    case 'name':
      return nodes.filter((n) => n.resourceType !== 'source' && pattern.test(n.name));
    default:
      if (method.startsWith('config.')) {
        const key = method.slice('config.'.length);
        return nodes.filter((n) => {
          const configValue = n.config[key];
          return Array.isArray(configValue)
            ? configValue.some((v) => pattern.test(String(v)))
            : configValue !== undefined && pattern.test(String(configValue));
        });
      }
      return [];
  }
}

function walk(
  start: Iterable<string>,
  edges: ReadonlyMap<string, readonly string[]>,
  depth: number,
): Set<string> {
  const seen = new Set<string>();
  let frontier = [...start];
  for (let level = 0; frontier.length > 0 && level < depth; level++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const neighbour of edges.get(id) ?? []) {
        if (!seen.has(neighbour)) {
          seen.add(neighbour);
          next.push(neighbour);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

/** The nodes with their edges both ways, as selectors walk them. */
interface SelectionGraph {
  readonly all: ReadonlyMap<string, GraphNode>;
  readonly nodes: readonly GraphNode[];
  /** Node id → the ids it depends on. */
  readonly parents: ReadonlyMap<string, readonly string[]>;
  /** Node id → the ids that depend on it. */
  readonly children: ReadonlyMap<string, readonly string[]>;
}

function selectionGraph(all: ReadonlyMap<string, GraphNode>): SelectionGraph {
  const nodes = [...all.values()];
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const node of nodes) {
    parents.set(node.uniqueId, [...node.dependsOn]);
    for (const dep of node.dependsOn) {
      const list = children.get(dep) ?? [];
      list.push(node.uniqueId);
      children.set(dep, list);
    }
  }
  return { all, nodes, parents, children };
}

/**
 * The nodes one selector atom names: its method and value (`tag:x`, a path, a name), then the
 * graph operators around it (`2+`, `+1`, `@`).
 */
function resolveAtom(graph: SelectionGraph, atom: string): Set<string> {
  const match = /^(@)?(\d*\+)?(.*?)(\+\d*)?$/.exec(atom)!;
  const [, at, up, body = '', down] = match;
  const colon = body.indexOf(':');
  let method = 'name';
  let value = body;
  if (colon > 0 && /^[a-z_.]+$/i.test(body.slice(0, colon))) {
    method = body.slice(0, colon);
    value = body.slice(colon + 1);
  } else if (body.includes('/') || body.endsWith('.sql')) method = 'path';
  const base = matchMethod(graph.nodes, method, value).map((n) => n.uniqueId);
  const out = new Set(base);
  if (up) {
    const depth = up.length > 1 ? Number(up.slice(0, -1)) : Infinity;
    for (const id of walk(base, graph.parents, depth)) out.add(id);
  }
  if (down || at) {
    const depth = down && down.length > 1 ? Number(down.slice(1)) : Infinity;
    for (const id of walk(base, graph.children, depth)) out.add(id);
  }
  if (at) {
    const descendants = walk(base, graph.children, Infinity);
    for (const id of walk(descendants, graph.parents, Infinity)) out.add(id);
  }
  return out;
}

/**
 * The union of the selectors, each the intersection of its `,`-separated atoms; a selector that
 * matches nothing adds a warning naming its `role` (selector or exclusion).
 */
function resolveSelectors(
  graph: SelectionGraph,
  selectors: readonly string[],
  role: string,
  warnings: string[],
): Set<string> {
  const out = new Set<string>();
  for (const selector of selectors) {
    let result: Set<string> | undefined;
    for (const atom of selector.split(',')) {
      const matched = resolveAtom(graph, atom);
      result = result ? new Set([...result].filter((id) => matched.has(id))) : matched;
    }
    if (!result || result.size === 0)
      warnings.push(`The ${role} "${selector}" does not match any node.`);
    for (const id of result ?? []) out.add(id);
  }
  return out;
}

/** Test id → the models/seeds it checks; its sources only when it checks nothing else. */
function testedNodes(graph: SelectionGraph): Map<string, readonly string[]> {
  const testedBy = new Map<string, readonly string[]>();
  for (const node of graph.nodes) {
    if (node.resourceType !== 'test') continue;
    const models = node.dependsOn.filter((id) => graph.all.get(id)?.resourceType !== 'source');
    testedBy.set(node.uniqueId, models.length > 0 ? models : [...node.dependsOn]);
  }
  return testedBy;
}

/**
 * `base` with the tests that come along with it, as dbt's selector does it: every test next to a
 * node of `base` is a candidate; `eager` takes them all, the other modes keep the candidates whose
 * models are all in `base` (`cautious`) or in it or upstream of it (`buildable`).
 */
function withTests(
  graph: SelectionGraph,
  testedBy: ReadonlyMap<string, readonly string[]>,
  mode: IndirectSelection,
  base: ReadonlySet<string>,
): Set<string> {
  const out = new Set(base);
  if (mode === 'empty' || base.size === 0) return out;
  const reachable =
    mode === 'buildable' ? new Set([...base, ...walk(base, graph.parents, Infinity)]) : base;
  for (const [test, tested] of testedBy) {
    if (!tested.some((id) => base.has(id))) continue;
    if (mode === 'eager' || tested.every((id) => reachable.has(id))) out.add(test);
  }
  return out;
}

/**
 * dbt-style node selection: `name`, `name+`, `+name`, `+name+`, `2+name`, `name+1`, `@name`,
 * `tag:x`, `path:models/silver`, `config.materialized:incremental`, `resource_type:seed`,
 * `source:landing`, `test_name:unique`; `a,b` intersects; space-separated selectors unite.
 * Tests come along with the models/seeds they test, as `indirectSelection` says (dbt's `eager` by
 * default). Selectors that match nothing produce a warning.
 */
export function selectNodes(
  all: ReadonlyMap<string, GraphNode>,
  options: SelectionOptions,
): Selection {
  const graph = selectionGraph(all);
  const warnings: string[] = [];
  const selectors = splitSelectors(options.select);
  const chosen =
    selectors.length > 0
      ? resolveSelectors(graph, selectors, 'selector', warnings)
      : new Set(all.keys());
  const excluded = resolveSelectors(graph, splitSelectors(options.exclude), 'exclusion', warnings);
  // The selection and the exclusion each get their tests (as dbt >= 1.5 does), then the
  // exclusion is taken away.
  const mode = options.indirectSelection ?? 'eager';
  const testedBy = testedNodes(graph);
  const left = withTests(graph, testedBy, mode, excluded);
  const selected = new Set<string>();
  for (const id of withTests(graph, testedBy, mode, chosen)) if (!left.has(id)) selected.add(id);
  return { selected, warnings };
}
