import type { GraphNode } from '../graph/graph-node.js';
import { toList } from '../project/folder-config.js';
import type { ParseSession } from './parse-session.js';

type Defaulted = 'dependsOn' | 'rawCode' | 'description' | 'columns';

/**
 * What a parser gives {@link buildNode}: the node without `uniqueId` and `tags` (derived), with
 * `dependsOn`, `rawCode`, `description` and `columns` optional (default empty).
 */
export type NodeSpec<N extends GraphNode> = Omit<N, 'uniqueId' | 'tags' | Defaulted> &
  Partial<Pick<N, Defaulted>> & {
    /** The name in `unique_id` when it is not `name` (sources: `<source>.<table>`). */
    readonly idName?: string;
  };

/**
 * Builds a node of the graph: `unique_id` `<resourceType>.<project>.<name>`, `tags` from its
 * config, and the defaults of what the spec leaves out.
 */
export function buildNode<N extends GraphNode>(session: ParseSession, spec: NodeSpec<N>): N {
  const { idName, ...fields } = spec;
  return {
    dependsOn: [],
    rawCode: '',
    description: '',
    columns: [],
    ...fields,
    uniqueId: session.uniqueId(spec.resourceType, idName ?? spec.name, spec.packageName),
    tags: toList(spec.config['tags']).map(String),
  } as unknown as N;
}
