import { didYouMean } from '../compile/suggest.js';
import { ScopedNames } from '../graph/scoped-names.js';
import type { Capture } from './config-capture.js';
import type { ParseSession } from './parse-session.js';

/**
 * Turns the refs and sources a template asked for into `unique_id`s, reporting unknown and
 * disabled names. Made once the seeds and models are parsed: they are what a ref can name.
 */
export class Dependencies {
  /** `unique_id` of each model, seed and snapshot by name in its package. */
  private readonly byName: ScopedNames<string>;

  constructor(private readonly session: ParseSession) {
    this.byName = new ScopedNames(session.projectName);
    for (const node of session.nodes.values()) {
      const { resourceType } = node;
      if (resourceType === 'model' || resourceType === 'seed' || resourceType === 'snapshot')
        this.byName.set(node.name, node.packageName, node.uniqueId);
    }
  }

  /** The names of models, seeds and snapshots, for suggestions. */
  names(): Iterable<string> {
    return this.byName.names();
  }

  /** The dependencies of `capture`, without repeats; `who` names the node in messages. */
  resolve(capture: Capture, who: string, file: string): string[] {
    const { issues, disabled, sources, broken } = this.session;
    const deps: string[] = [];
    for (const { name, packageName } of capture.refs) {
      const id = this.byName.find(name, capture.packageName, packageName);
      const call =
        packageName === undefined ? `ref('${name}')` : `ref('${packageName}', '${name}')`;
      if (id) deps.push(id);
      else if (broken.find(name, capture.packageName, packageName)) continue;
      else if (disabled.find(name, capture.packageName, packageName))
        issues.push({ file, message: `${who} refers to model "${name}", which is disabled` });
      else
        issues.push({
          file,
          message: `${who} refers to unknown model "${name}" via ${call}.${didYouMean(name, this.byName.names())}`,
        });
    }
    for (const [sourceName, tableName] of capture.sources) {
      const source = sources.find(`${sourceName}.${tableName}`, capture.packageName);
      if (source) deps.push(source.uniqueId);
      else {
        issues.push({
          file,
          message: `${who} refers to unknown source "${sourceName}.${tableName}" via source('${sourceName}', '${tableName}'); declare it under sources: in a models/*.yml file.${didYouMean(`${sourceName}.${tableName}`, sources.names())}`,
        });
      }
    }
    return [...new Set(deps)];
  }

  /** Sets each model's and snapshot's `dependsOn` from the capture of its parse render. */
  resolveModels(captures: ReadonlyMap<string, Capture>): void {
    const { nodes } = this.session;
    for (const [id, capture] of captures) {
      const node = nodes.get(id);
      if (node?.resourceType !== 'model' && node?.resourceType !== 'snapshot') continue;
      nodes.set(id, {
        ...node,
        dependsOn: this.resolve(capture, `${node.resourceType} "${node.name}"`, node.path),
      });
    }
  }
}
