import { didYouMean } from '../compile/suggest.js';
import type { Capture } from './config-capture.js';
import type { ParseSession } from './parse-session.js';

/**
 * Turns the refs and sources a template asked for into `unique_id`s, reporting unknown and
 * disabled names. Made once the seeds and models are parsed: they are what a ref can name.
 */
export class Dependencies {
  /** `unique_id` of each model and seed by name. */
  private readonly byName = new Map<string, string>();

  constructor(private readonly session: ParseSession) {
    for (const node of session.nodes.values()) this.byName.set(node.name, node.uniqueId);
  }

  /** The names of models and seeds, for suggestions. */
  names(): Iterable<string> {
    return this.byName.keys();
  }

  /** The dependencies of `capture`, without repeats; `who` names the node in messages. */
  resolve(capture: Capture, who: string, file: string): string[] {
    const { issues, disabled, sources, broken } = this.session;
    const deps: string[] = [];
    for (const { name } of capture.refs) {
      const id = this.byName.get(name);
      if (id) deps.push(id);
      else if (broken.has(name)) continue;
      else if (disabled.has(name))
        issues.push({ file, message: `${who} refers to model "${name}", which is disabled` });
      else
        issues.push({
          file,
          message: `${who} refers to unknown model "${name}" via ref('${name}').${didYouMean(name, this.byName.keys())}`,
        });
    }
    for (const [sourceName, tableName] of capture.sources) {
      const source = sources.get(`${sourceName}.${tableName}`);
      if (source) deps.push(source.uniqueId);
      else {
        issues.push({
          file,
          message: `${who} refers to unknown source "${sourceName}.${tableName}" via source('${sourceName}', '${tableName}'); declare it under sources: in a models/*.yml file.${didYouMean(`${sourceName}.${tableName}`, sources.keys())}`,
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
