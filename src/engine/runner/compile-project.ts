import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { renderAnalysis, renderNodeSql } from '../compile/render-node.js';
import { describeTemplateError } from '../compile/template-error.js';
import type { GraphNode } from '../graph/graph-node.js';
import { ProjectError, type ProjectIssue } from '../project/project-issue.js';
import { compiledPathFor, writeManifest } from '../artifacts/write-artifacts.js';
import { writeFileAtomic } from '../../base/files/write-file-atomic.js';
import { prepareProject } from './prepare-project.js';
import type { BuildOptions } from './runner-options.js';

/** One compiled node. */
export interface CompiledNode {
  readonly uniqueId: string;
  readonly name: string;
  /** Relative to the project dir, under `target/compiled/`. */
  readonly compiledPath: string;
  readonly sql: string;
}

/**
 * `dbt compile`: parses the project and renders every selected model and test to
 * `target/compiled/<project>/<path>` plus `target/manifest.json`, without touching the warehouse
 * (so `is_incremental()` is false). Template errors are collected and thrown together (exit 2).
 * `write: false` skips the files (benchmarks).
 */
export function compileProject(
  options: BuildOptions & { readonly write?: boolean },
): CompiledNode[] {
  const { parsed, selected } = prepareProject(options, new Set(['model', 'snapshot', 'test']));
  const write = options.write ?? true;
  const targetDir = join(parsed.project.dir, 'target');
  if (write) {
    mkdirSync(targetDir, { recursive: true });
    writeManifest(parsed, targetDir);
  }
  const out: CompiledNode[] = [];
  const issues: ProjectIssue[] = [];
  const nodes: GraphNode[] = [...parsed.nodes.values()].filter(
    (n) => selected.has(n.uniqueId) || (n.materialized === 'ephemeral' && n.template !== undefined),
  );
  for (const node of nodes) {
    const compiledPath = compiledPathFor(parsed.project.file.name, node);
    try {
      const sql = renderNodeSql(parsed, node);
      if (write) writeFileAtomic(join(parsed.project.dir, compiledPath), `${sql}\n`);
      out.push({ uniqueId: node.uniqueId, name: node.name, compiledPath, sql });
    } catch (error) {
      const problem = describeTemplateError(error);
      issues.push({
        file: node.path,
        ...(problem.line ? { line: problem.line } : {}),
        message: problem.message,
      });
    }
  }
  // Analyses are compiled, never run, as in dbt; a selection picks nodes, so it leaves them out.
  if (options.select === undefined) {
    const projectName = parsed.project.file.name;
    for (const analysis of parsed.project.analysisFiles) {
      const compiledPath = `target/compiled/${projectName}/${analysis.path}`;
      try {
        const sql = renderAnalysis(parsed, analysis);
        if (write) writeFileAtomic(join(parsed.project.dir, compiledPath), `${sql}\n`);
        const name = basename(analysis.path, '.sql');
        const owner = analysis.packageName ?? projectName;
        out.push({ uniqueId: `analysis.${owner}.${name}`, name, compiledPath, sql });
      } catch (error) {
        const problem = describeTemplateError(error);
        issues.push({ file: analysis.path, line: problem.line, message: problem.message });
      }
    }
  }
  if (issues.length > 0) throw new ProjectError(issues);
  return out;
}

/** `dbt ls`: the selected nodes (all kinds), in name order. */
export function listNodes(options: BuildOptions): GraphNode[] {
  const { parsed, selected } = prepareProject(
    options,
    new Set(['model', 'seed', 'snapshot', 'test', 'unit_test', 'source']),
  );
  return [...selected]
    .map((id) => parsed.nodes.get(id)!)
    .sort((a, b) => a.uniqueId.localeCompare(b.uniqueId));
}
