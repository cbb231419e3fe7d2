import type { DocsNode } from './docs-data.js';

/** The graph a selector walks: every node by id, parents and children by id. */
export interface Graph {
  readonly nodes: ReadonlyMap<string, DocsNode>;
  readonly parents: ReadonlyMap<string, readonly string[]>;
  readonly children: ReadonlyMap<string, readonly string[]>;
}

export function makeGraph(
  nodes: readonly DocsNode[],
  edges: readonly (readonly [string, string])[],
): Graph {
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const [parent, child] of edges) {
    parents.set(child, [...(parents.get(child) ?? []), parent]);
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  return { nodes: new Map(nodes.map((node) => [node.id, node])), parents, children };
}

/** Every node reachable from `start` along `next`, `depth` steps at most (start excluded). */
export function reachable(
  start: string,
  next: ReadonlyMap<string, readonly string[]>,
  depth = Infinity,
): Set<string> {
  const seen = new Set<string>();
  let frontier = [start];
  for (let step = 0; step < depth && frontier.length > 0; step += 1) {
    const following: string[] = [];
    for (const id of frontier)
      for (const other of next.get(id) ?? [])
        if (!seen.has(other) && other !== start) {
          seen.add(other);
          following.push(other);
        }
    frontier = following;
  }
  return seen;
}

const glob = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

/** The nodes one method matches: `name`, `tag:`, `path:`, `resource_type:`, `package:`, `layer:`. */
function matchMethod(graph: Graph, criterion: string): Set<string> {
  const colon = criterion.indexOf(':');
  const method = colon > 0 ? criterion.slice(0, colon) : 'name';
  const value = colon > 0 ? criterion.slice(colon + 1) : criterion;
  const pattern = glob(value);
  const matched = new Set<string>();
  for (const node of graph.nodes.values()) {
    const hit =
      method === 'tag'
        ? node.tags.some((tag) => pattern.test(tag))
        : method === 'path'
          ? node.path === value ||
            node.path.startsWith(value.endsWith('/') ? value : `${value}/`) ||
            pattern.test(node.path)
          : method === 'resource_type'
            ? pattern.test(node.resourceType)
            : method === 'package'
              ? pattern.test(node.packageName)
              : method === 'layer'
                ? pattern.test(node.layer)
                : method === 'source'
                  ? node.resourceType === 'source' &&
                    pattern.test(node.id.split('.').slice(2).join('.'))
                  : pattern.test(node.name) || node.id === value;
    if (hit) matched.add(node.id);
  }
  return matched;
}

/** One selector element: `[N]+criterion+[N]`, `@criterion`; `,` intersects its parts. */
function matchElement(graph: Graph, element: string): Set<string> {
  const parts = element.split(',').filter((part) => part !== '');
  let result = null as Set<string> | null;
  for (const part of parts) {
    const found = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/.exec(part);
    if (!found) continue;
    const [, at, up, criterion = '', down] = found;
    const base = matchMethod(graph, criterion);
    const selected = new Set(base);
    const upDepth = up === undefined ? 0 : up === '' ? Infinity : Number(up);
    const downDepth = down === undefined ? 0 : down === '' ? Infinity : Number(down);
    for (const id of base) {
      for (const other of reachable(id, graph.parents, upDepth)) selected.add(other);
      const descendants = reachable(id, graph.children, at ? Infinity : downDepth);
      for (const other of descendants) selected.add(other);
      // `@`: the descendants and every ancestor of theirs, as dbt does.
      if (at)
        for (const child of descendants)
          for (const other of reachable(child, graph.parents)) selected.add(other);
    }
    const previous: Set<string> | null = result;
    result = previous === null ? selected : new Set([...previous].filter((id) => selected.has(id)));
  }
  return result ?? new Set();
}

/**
 * dbt's node selection syntax over the manifest's graph: space-separated elements are a union,
 * `a,b` an intersection; `--exclude`'s elements are taken out. An empty selector selects all.
 */
export function selectNodes(graph: Graph, select: string, exclude = ''): Set<string> {
  const elements = select
    .trim()
    .split(/\s+/)
    .filter((element) => element !== '');
  const selected =
    elements.length === 0
      ? new Set(graph.nodes.keys())
      : new Set(elements.flatMap((element) => [...matchElement(graph, element)]));
  for (const element of exclude
    .trim()
    .split(/\s+/)
    .filter((item) => item !== ''))
    for (const id of matchElement(graph, element)) selected.delete(id);
  return selected;
}
