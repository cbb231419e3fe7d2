import { createProjectValueRenderer } from '../compile/render-project-value.js';
import { parseProject, type ParsedProject } from '../parser/parse-project.js';
import { findCycles } from '../graph/find-cycles.js';
import type { ResourceType } from '../graph/graph-node.js';
import { selectNodes } from '../graph/select-nodes.js';
import { loadProject } from '../project/load-project.js';
import { resolveTarget } from '../project/profiles.js';
import { ProjectError } from '../project/project-issue.js';
import type { BuildOptions } from './runner-options.js';

/** A project ready to run: parsed, checked, and the node ids the command will run (graph order not applied). */
export interface PreparedProject {
  readonly parsed: ParsedProject;
  readonly selected: ReadonlySet<string>;
  readonly warnings: readonly string[];
}

/**
 * Loads, parses and checks a project, then applies the selection. Every problem (YAML, templates,
 * unknown refs/sources, duplicates, cycles) is thrown together as one {@link ProjectError} (exit 2).
 */
export function prepareProject(
  options: BuildOptions,
  types: ReadonlySet<ResourceType>,
): PreparedProject {
  const cliVars = options.vars ?? {};
  const target = resolveTarget({
    projectDir: options.projectDir,
    profilesDir: options.profilesDir,
    target: options.target,
    dbPath: options.warehouse?.path ?? options.dbPath,
    renderValue: createProjectValueRenderer({ cliVars }),
  });
  const project = loadProject(options.projectDir, {
    renderValue: createProjectValueRenderer({ cliVars, target }),
  });
  const parsed = parseProject(project, {
    vars: options.vars,
    fullRefresh: options.fullRefresh ?? false,
    target,
  });
  const issues = [...parsed.issues, ...findCycles(parsed.nodes)];
  if (issues.length > 0) throw new ProjectError(issues);
  const { selected, warnings } = selectNodes(parsed.nodes, {
    select: options.select,
    exclude: options.exclude,
    indirectSelection: options.indirectSelection,
  });
  const runnable = new Set(
    [...selected].filter((id) => {
      const node = parsed.nodes.get(id)!;
      return types.has(node.resourceType) && node.materialized !== 'ephemeral';
    }),
  );
  return {
    parsed,
    selected: runnable,
    warnings: [...target.warnings, ...project.warnings, ...parsed.warnings, ...warnings],
  };
}
