import { Relation } from '../../base/warehouse/relation.js';
import type { SourceNode } from '../graph/graph-node.js';
import { buildNode } from './build-node.js';
import type { ParseSession } from './parse-session.js';

/** The source tables declared under `sources:`, each its package's; a table declared twice in one is reported. */
export function parseSources(session: ParseSession): void {
  for (const table of session.project.properties.sources) {
    const key = `${table.sourceName}.${table.name}`;
    if (session.sources.has(key, table.packageName)) {
      session.issues.push({ file: table.file, message: `source ${key} is declared twice` });
      continue;
    }
    const node = buildNode<SourceNode>(session, {
      resourceType: 'source',
      name: table.name,
      idName: key,
      ...(table.packageName ? { packageName: table.packageName } : {}),
      path: table.file,
      config: {},
      relation: new Relation(table.schema, table.identifier),
      description: table.description,
    });
    session.sources.set(key, table.packageName, node);
  }
}
