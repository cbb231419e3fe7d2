import { describeTemplateError } from '../compile/template-error.js';
import type { GraphNode } from '../graph/graph-node.js';

/** A node's template failed to render; the message names the node, its file and line. */
class NodeCompileError extends Error {}

/** Runs `render`, turning a template error into a {@link NodeCompileError} that names the node. */
export function renderOrThrow<T>(node: GraphNode, render: () => T): T {
  try {
    return render();
  } catch (error) {
    const problem = describeTemplateError(error);
    throw new NodeCompileError(
      `Compilation error in ${node.resourceType} ${node.name} (${node.path}${problem.line && node.test?.kind !== 'generic' ? `:${problem.line}` : ''}): ${problem.message}`,
    );
  }
}

/** A node failed at run time; the message names the node, its file, the cause and the compiled SQL. */
export function runtimeMessage(
  node: GraphNode,
  error: unknown,
  compiledPath: string | undefined,
): string {
  if (error instanceof NodeCompileError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return (
    `Runtime error in ${node.resourceType} ${node.name} (${node.path}): ${message.trim()}` +
    (compiledPath ? `\n  compiled SQL: ${compiledPath}` : '')
  );
}
