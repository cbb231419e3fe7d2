import type { ProjectIssue } from '../project/project-issue.js';
import type { GraphNode } from './graph-node.js';

/**
 * Finds dependency cycles (Tarjan's strongly connected components) and reports each once,
 * naming every node and file in it.
 */
export function findCycles(nodes: ReadonlyMap<string, GraphNode>): ProjectIssue[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const issues: ProjectIssue[] = [];
  let counter = 0;

  const visit = (id: string): void => {
    // Iterative DFS to stay safe on deep graphs.
    const work: { id: string; next: number }[] = [{ id, next: 0 }];
    index.set(id, counter);
    low.set(id, counter++);
    stack.push(id);
    onStack.add(id);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const deps = nodes.get(frame.id)?.dependsOn ?? [];
      if (frame.next < deps.length) {
        const dep = deps[frame.next++]!;
        if (!nodes.has(dep)) continue;
        if (!index.has(dep)) {
          index.set(dep, counter);
          low.set(dep, counter++);
          stack.push(dep);
          onStack.add(dep);
          work.push({ id: dep, next: 0 });
        } else if (onStack.has(dep)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(dep)!));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop =
          component.length === 1 && (nodes.get(frame.id)?.dependsOn.includes(frame.id) ?? false);
        if (component.length > 1 || selfLoop) {
          const members = component
            .map((m) => nodes.get(m)!)
            .sort((a, b) => a.name.localeCompare(b.name));
          issues.push({
            file: members[0]!.path,
            message: `dependency cycle between ${members.length} node(s): ${members
              .map((m) => `${m.name} (${m.path})`)
              .join(
                ' -> ',
              )}${members.length > 1 ? ` -> ${members[0]!.name}` : ' refers to itself'}`,
          });
        }
      }
    }
  };
  for (const id of [...nodes.keys()].sort()) if (!index.has(id)) visit(id);
  return issues;
}
