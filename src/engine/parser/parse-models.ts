import type nunjucks from 'nunjucks';
import { Relation } from '../../base/warehouse/relation.js';
import { ephemeralCteName } from '../compile/render-node.js';
import type { ModelNode } from '../graph/graph-node.js';
import { mergeConfig } from '../project/folder-config.js';
import type { ModelFile } from '../project/load-project.js';
import { propertiesKey } from '../project/properties.js';
import { buildNode } from './build-node.js';
import { checkContract } from './contract-config.js';
import { renderCapture, startCapture, type Capture } from './config-capture.js';
import { materializationOf, resolveModelConfig } from './model-config.js';
import type { ParseSession } from './parse-session.js';
import { relationFor } from './schema-name.js';

interface ClaimedModel {
  readonly model: ModelFile;
  readonly template: nunjucks.Template;
  readonly capture: Capture;
}

/**
 * The models: first a relation for each from its project and YAML config (so that a ref renders
 * with the right schema whatever the order), then the parse render of each, which learns its
 * `config(...)`. Returns each model node's capture, whose refs and sources become its
 * dependencies once every model is known.
 */
export function parseModels(session: ParseSession): Map<string, Capture> {
  const captures = new Map<string, Capture>();
  for (const { model, template, capture } of claimModels(session)) {
    const node = parseModel(session, model, template, capture);
    if (!node) continue;
    session.nodes.set(node.uniqueId, node);
    captures.set(node.uniqueId, capture);
  }
  return captures;
}

function claimModels(session: ParseSession): ClaimedModel[] {
  const { project } = session;
  const claimed: ClaimedModel[] = [];
  for (const model of project.models) {
    if (!session.claim(model.name, model.packageName, model.path)) continue;
    const props = project.properties.models.get(propertiesKey(model.name, model.packageName));
    const template = session.compileTemplate(model.text, model.path);
    const config = mergeConfig({ materialized: 'view' }, model.folderConfig, props?.config ?? {});
    session.refRelations.set(
      model.name,
      model.packageName,
      relationFor(session, model.name, config, {
        resourceType: 'model',
        path: model.path,
        packageName: model.packageName,
      }),
    );
    if (template)
      claimed.push({ model, template, capture: startCapture(config, model.packageName) });
    else session.broken.set(model.name, model.packageName, true);
  }
  return claimed;
}

function parseModel(
  session: ParseSession,
  model: ModelFile,
  template: nunjucks.Template,
  capture: Capture,
): ModelNode | undefined {
  const self = session.refRelations.get(model.name, model.packageName);
  if (!renderCapture(session, template, model.path, capture, self)) {
    session.broken.set(model.name, model.packageName, true);
    return undefined;
  }
  // dbt applies the root project's config for a package's model last, over its own config().
  const config = model.rootConfig ? mergeConfig(capture.config, model.rootConfig) : capture.config;
  if (config['enabled'] === false) {
    session.disabled.set(model.name, model.packageName, true);
    session.refRelations.delete(model.name, model.packageName);
    return undefined;
  }
  const materialized = materializationOf(config, model.path, session.issues);
  if (!materialized) return undefined;
  const resolved = resolveModelConfig(model.name, model.path, config, materialized, session.issues);
  const props = session.project.properties.models.get(propertiesKey(model.name, model.packageName));
  if (resolved.contractEnforced)
    checkContract(model.name, model.path, materialized, props?.columns ?? [], session.issues);
  const relation = relationFor(session, model.name, config, {
    resourceType: 'model',
    path: model.path,
    packageName: model.packageName,
  });
  session.refRelations.set(model.name, model.packageName, relation);
  return buildNode<ModelNode>(session, {
    resourceType: 'model',
    name: model.name,
    ...(model.packageName ? { packageName: model.packageName } : {}),
    path: model.path,
    config,
    relation,
    materialized,
    resolved,
    rawCode: model.text,
    description: props?.description ?? '',
    columns: props?.columns ?? [],
    template,
  });
}

/** From here on (tests), a ref to an ephemeral model is its CTE, inlined when the test runs. */
export function refEphemeralsAsCtes(session: ParseSession): void {
  for (const node of session.nodes.values()) {
    if (node.resourceType !== 'model' || node.materialized !== 'ephemeral') continue;
    const { schema, identifier } = node.relation;
    session.refRelations.set(
      node.name,
      node.packageName,
      new Relation(schema, identifier, ephemeralCteName(node.name), 'cte'),
    );
  }
}
