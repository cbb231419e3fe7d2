import type nunjucks from 'nunjucks';
import { Relation } from '../../base/warehouse/relation.js';
import type { SnapshotNode } from '../graph/graph-node.js';
import { folderSegments, mergeConfig, resolveFolderConfig } from '../project/folder-config.js';
import { propertiesKey, type ResourceProperties } from '../project/properties.js';
import { buildNode } from './build-node.js';
import { renderCapture, startCapture, type Capture } from './config-capture.js';
import type { ParseSession } from './parse-session.js';
import { relationFor } from './schema-name.js';
import { resolveSnapshotConfig } from './snapshot-config.js';

const BLOCK = /\{%-?\s*snapshot\s+([A-Za-z_]\w*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;

/** One snapshot as written: in a `{% snapshot %}` block of a SQL file, or in YAML with `relation:`. */
interface SnapshotSource {
  readonly name: string;
  readonly path: string;
  /** The line the definition starts on. */
  readonly line: number;
  /** The query's template, padded so that its lines are the file's. */
  readonly text: string;
  /** The whole file (`raw_code`). */
  readonly rawCode: string;
  readonly folders: readonly string[];
  readonly packageName?: string;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The `{% snapshot %}` blocks of the snapshot files; a file with none is reported. */
function blockSources(session: ParseSession): SnapshotSource[] {
  const found: SnapshotSource[] = [];
  for (const file of session.project.snapshotFiles) {
    const blocks = [...file.text.matchAll(BLOCK)];
    if (blocks.length === 0 && file.text.trim() !== '') {
      session.issues.push({
        file: file.path,
        message:
          'a file under the snapshot paths holds no {% snapshot name %} … {% endsnapshot %} block',
      });
    }
    for (const block of blocks) {
      const bodyStart = block.index + block[0].indexOf('%}') + 2;
      const body = block[2]!;
      found.push({
        name: block[1]!,
        path: file.path,
        line: lineAt(file.text, block.index),
        text: '\n'.repeat(lineAt(file.text, bodyStart) - 1) + body,
        rawCode: file.text,
        folders: file.folders,
        ...(file.packageName ? { packageName: file.packageName } : {}),
      });
    }
  }
  return found;
}

/** dbt 1.9's snapshots defined in properties YAML: `relation: ref('x')` or `source('s', 't')`. */
function yamlSources(session: ParseSession): SnapshotSource[] {
  const { project } = session;
  return [...project.properties.snapshots.values()]
    .filter(
      (props): props is ResourceProperties & { relation: string } => props.relation !== undefined,
    )
    .map((props) => {
      // A package's YAML snapshot is the package's, its folders counted from its snapshot paths.
      const pkg = project.packages.find((candidate) => candidate.name === props.packageName);
      const roots = pkg
        ? pkg.file.snapshotPaths.map((path) => `${pkg.dir}/${path}`)
        : project.file.snapshotPaths;
      return {
        name: props.name,
        path: props.file,
        line: props.line ?? 1,
        text: `select * from {{ ${props.relation} }}`,
        rawCode: `select * from {{ ${props.relation} }}`,
        folders: folderSegments(props.file, roots),
        ...(pkg ? { packageName: pkg.name } : {}),
      };
    });
}

/** `target_schema` (dbt before 1.9) is the schema as written; `schema` goes through generate_schema_name. */
function snapshotRelation(
  session: ParseSession,
  source: SnapshotSource,
  config: Readonly<Record<string, unknown>>,
): Relation {
  const targetSchema = config['target_schema'];
  if (typeof targetSchema === 'string' && targetSchema !== '') {
    return new Relation(targetSchema, String(config['alias'] ?? source.name));
  }
  return relationFor(session, source.name, config, {
    resourceType: 'snapshot',
    path: source.path,
    packageName: source.packageName,
  });
}

/**
 * The snapshots: config from `dbt_project.yml`'s `snapshots:` tree, the properties YAML and the
 * block's own `config(...)`, then the strategy checked and the relation placed. Returns each
 * snapshot's capture, whose refs and sources become its dependencies once every model is known.
 */
export function parseSnapshots(session: ParseSession): Map<string, Capture> {
  const captures = new Map<string, Capture>();
  const { project } = session;
  for (const source of [...blockSources(session), ...yamlSources(session)]) {
    if (!session.claim(source.name, source.packageName, source.path)) continue;
    const template = session.compileTemplate(source.text, source.path);
    if (!template) {
      session.broken.set(source.name, source.packageName, true);
      continue;
    }
    const props = project.properties.snapshots.get(propertiesKey(source.name, source.packageName));
    const fqn = [...source.folders, source.name];
    const pkg = project.packages.find((candidate) => candidate.name === source.packageName);
    const folderConfig = resolveFolderConfig(
      (pkg ?? project).file.snapshots,
      pkg?.name ?? project.file.name,
      fqn,
    );
    const capture = startCapture(
      mergeConfig(folderConfig, props?.config ?? {}),
      source.packageName,
    );
    // dbt applies the root project's config for a package's snapshot last, over its own config().
    const rootConfig = pkg ? resolveFolderConfig(project.file.snapshots, pkg.name, fqn) : undefined;
    const node = parseSnapshot(session, source, template, capture, props, rootConfig);
    if (!node) continue;
    session.nodes.set(node.uniqueId, node);
    captures.set(node.uniqueId, capture);
  }
  return captures;
}

function parseSnapshot(
  session: ParseSession,
  source: SnapshotSource,
  template: nunjucks.Template,
  capture: Capture,
  props: ResourceProperties | undefined,
  rootConfig: Record<string, unknown> | undefined,
): SnapshotNode | undefined {
  const placeholder = snapshotRelation(session, source, capture.config);
  if (!renderCapture(session, template, source.path, capture, placeholder)) {
    session.broken.set(source.name, source.packageName, true);
    return undefined;
  }
  const config = rootConfig ? mergeConfig(capture.config, rootConfig) : capture.config;
  if (config['enabled'] === false) {
    session.disabled.set(source.name, source.packageName, true);
    return undefined;
  }
  const resolved = resolveSnapshotConfig(
    source.name,
    source.path,
    source.line,
    config,
    session.issues,
  );
  if (!resolved) return undefined;
  const relation = snapshotRelation(session, source, config);
  session.refRelations.set(source.name, source.packageName, relation);
  return buildNode<SnapshotNode>(session, {
    resourceType: 'snapshot',
    name: source.name,
    ...(source.packageName ? { packageName: source.packageName } : {}),
    path: source.path,
    config,
    relation,
    resolved,
    rawCode: source.rawCode,
    description: props?.description ?? '',
    columns: props?.columns ?? [],
    template,
  });
}
