import type { SeedNode } from '../graph/graph-node.js';
import { mergeConfig } from '../project/folder-config.js';
import { propertiesKey } from '../project/properties.js';
import { buildNode } from './build-node.js';
import type { ParseSession } from './parse-session.js';
import { relationFor } from './schema-name.js';
import { resolveSeedConfig } from './seed-config.js';

/** The seeds (`dbt_project.yml` folder config < YAML properties), parsed before the models that ref them. */
export function parseSeeds(session: ParseSession): void {
  const { project } = session;
  for (const seed of project.seeds) {
    if (!session.claim(seed.name, seed.packageName, seed.path)) continue;
    const props = project.properties.seeds.get(propertiesKey(seed.name, seed.packageName));
    // dbt applies the root project's config for a package's seed last.
    const config = mergeConfig(seed.folderConfig, props?.config ?? {}, seed.rootConfig ?? {});
    if (config['enabled'] === false) continue;
    const relation = relationFor(session, seed.name, config, {
      resourceType: 'seed',
      path: seed.path,
      packageName: seed.packageName,
    });
    session.refRelations.set(seed.name, seed.packageName, relation);
    const node = buildNode<SeedNode>(session, {
      resourceType: 'seed',
      name: seed.name,
      ...(seed.packageName ? { packageName: seed.packageName } : {}),
      path: seed.path,
      config,
      relation,
      resolved: resolveSeedConfig(config),
      description: props?.description ?? '',
      columns: props?.columns ?? [],
    });
    session.nodes.set(node.uniqueId, node);
  }
}
