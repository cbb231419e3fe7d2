import type { RenderScope } from '../compile/render-input.js';
import type { Project } from '../project/load-project.js';
import type { ProjectIssue } from '../project/project-issue.js';
import { defaultTarget, type WarehouseTarget } from '../project/profiles.js';
import { checkHooks } from './check-hooks.js';
import { checkRelations } from './check-relations.js';
import { Dependencies } from './dependencies.js';
import { parseGenericTests } from './parse-generic-tests.js';
import { parseModels, refEphemeralsAsCtes } from './parse-models.js';
import { ParseSession } from './parse-session.js';
import { parseSeeds } from './parse-seeds.js';
import { parseSnapshots } from './parse-snapshots.js';
import { parseUnitTests } from './parse-unit-tests.js';
import { parseSingularTests } from './parse-singular-tests.js';
import { parseSources } from './parse-sources.js';

const DEFAULT_TARGET = defaultTarget('default', 'warehouse.duckdb');

/** Options of the parse pass. */
export interface ParseOptions {
  /** `--vars`, overriding the project's `vars:`. Default `{}`. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Default `false`. */
  readonly fullRefresh?: boolean;
  /** The warehouse target (`target` in templates). Default: the DuckDB file `warehouse.duckdb`. */
  readonly target?: WarehouseTarget;
}

/** A parsed project: every node with its config and dependencies, plus what rendering needs. */
export interface ParsedProject extends RenderScope {
  /** Every problem found; the runner refuses to run when there is any. */
  readonly issues: readonly ProjectIssue[];
  /** Things worth a look that do not stop a run (package macro files that do not compile). */
  readonly warnings: readonly string[];
}

/**
 * The parse pass: renders every model, test and hook with a capturing context to learn its
 * refs, sources and config (what dbt does), builds the nodes and collects every problem
 * (template errors with file and line, unknown refs and sources, duplicates, bad config).
 * Sources come first (models read them), then seeds and snapshots (models may ref them), models,
 * and the tests on all of them; the nodes are listed as seeds, snapshots, models, sources, tests.
 */
export function parseProject(project: Project, options: ParseOptions = {}): ParsedProject {
  const session = new ParseSession(
    project,
    options.vars,
    options.fullRefresh ?? false,
    options.target ?? DEFAULT_TARGET,
  );
  parseSources(session);
  parseSeeds(session);
  const snapshotCaptures = parseSnapshots(session);
  const modelCaptures = parseModels(session);
  checkRelations(session);
  refEphemeralsAsCtes(session);
  const dependencies = new Dependencies(session);
  dependencies.resolveModels(new Map([...snapshotCaptures, ...modelCaptures]));
  for (const source of session.sources.values()) session.nodes.set(source.uniqueId, source);
  parseGenericTests(session, dependencies);
  parseSingularTests(session, dependencies);
  parseUnitTests(session, dependencies);
  checkHooks(session);
  const { env, macros, nodes, vars, fullRefresh, runStartedAt, invocationId, issues, target } =
    session;
  return {
    project,
    env,
    macros,
    nodes,
    vars,
    packageVars: session.packageVars,
    fullRefresh,
    runStartedAt,
    invocationId,
    target,
    issues,
    warnings: [...session.warnings, ...macros.warnings],
  };
}
