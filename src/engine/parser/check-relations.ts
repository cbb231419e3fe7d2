import type { ParseSession } from './parse-session.js';

/**
 * Two models, seeds or snapshots that would build the same table or view: dbt refuses them (one
 * would silently replace the other), whether they come from one package or two. DuckDB matches
 * identifiers without regard to case, so neither do we.
 */
export function checkRelations(session: ParseSession): void {
  const builders = new Map<string, { readonly what: string; readonly path: string }>();
  for (const node of session.nodes.values()) {
    const { resourceType } = node;
    if (resourceType !== 'model' && resourceType !== 'seed' && resourceType !== 'snapshot')
      continue;
    if (resourceType === 'model' && node.materialized === 'ephemeral') continue;
    const { schema, identifier } = node.relation;
    const key = `${schema}.${identifier}`.toLowerCase();
    const what = `${resourceType} "${node.packageName ? `${node.packageName}.` : ''}${node.name}"`;
    const other = builders.get(key);
    if (other) {
      session.issues.push({
        file: node.path,
        message: `${what} and ${other.what} (${other.path}) would both build ${schema}.${identifier}; give one of them another alias or schema`,
      });
    } else builders.set(key, { what, path: node.path });
  }
}
