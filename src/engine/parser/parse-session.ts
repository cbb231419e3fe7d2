import { randomUUID } from 'node:crypto';
import nunjucks from 'nunjucks';
import type { Relation } from '../../base/warehouse/relation.js';
import { MacroLibrary } from '../compile/macro-library.js';
import { createTemplateEnvironment } from '../compile/template-environment.js';
import { describeTemplateError } from '../compile/template-error.js';
import type { GraphNode, SourceNode } from '../graph/graph-node.js';
import { ScopedNames } from '../graph/scoped-names.js';
import type { Project } from '../project/load-project.js';
import type { WarehouseTarget } from '../project/profiles.js';
import type { ProjectIssue } from '../project/project-issue.js';
import { packageVars, projectVars } from './project-vars.js';

/**
 * What the parsers of one parse pass share: the project, the template environment and macros,
 * the invocation's vars, the nodes built so far, what `ref` and `source` resolve to, and every
 * problem found (the parsers report and go on, so that all problems are reported together).
 */
export class ParseSession {
  readonly issues: ProjectIssue[];
  /** Things worth a look that do not stop a run, each naming its file. */
  readonly warnings: string[] = [];
  readonly env = createTemplateEnvironment();
  readonly macros: MacroLibrary;
  readonly vars: Readonly<Record<string, unknown>>;
  /** The vars each installed package's nodes see (see {@link packageVars}). */
  readonly packageVars: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  readonly runStartedAt = new Date().toISOString();
  readonly invocationId = randomUUID();
  readonly projectName: string;
  /** The nodes, in the order dbt lists them: seeds, models, sources, tests. */
  readonly nodes = new Map<string, GraphNode>();
  /** Declared source tables by `<source>.<table>` in the package that declares them. */
  readonly sources: ScopedNames<SourceNode>;
  /** What `ref(name)` resolves to: models' and seeds' relations (an ephemeral model's CTE for tests). */
  readonly refRelations: ScopedNames<Relation>;
  /** Models disabled by `enabled: false` (a ref to one says so). */
  readonly disabled: ScopedNames<true>;
  /**
   * Models and snapshots whose template failed, already reported: a ref to one is not reported
   * again as a ref to an unknown model.
   */
  readonly broken: ScopedNames<true>;
  /** Names of models, seeds and snapshots, unique within their package, and the file of each. */
  private readonly owners: ScopedNames<string>;
  private readonly testNames = new Set<string>();
  private readonly templates = new Map<string, nunjucks.Template>();

  constructor(
    readonly project: Project,
    vars: Readonly<Record<string, unknown>> | undefined,
    readonly fullRefresh: boolean,
    /** The warehouse target (`target` in templates). */
    readonly target: WarehouseTarget,
  ) {
    this.issues = [...project.issues];
    this.macros = new MacroLibrary(
      this.env,
      project.file.name,
      project.macroFiles,
      project.packages.map((pkg) => ({ name: pkg.name, files: pkg.macroFiles })),
      project.file.dispatch,
      this.issues,
    );
    this.vars = projectVars(project, vars);
    this.packageVars = new Map(
      project.packages.map((pkg) => [pkg.name, packageVars(project, pkg.name, vars)]),
    );
    this.projectName = project.file.name;
    this.sources = new ScopedNames(this.projectName);
    this.refRelations = new ScopedNames(this.projectName);
    this.disabled = new ScopedNames(this.projectName);
    this.broken = new ScopedNames(this.projectName);
    this.owners = new ScopedNames(this.projectName);
  }

  /** `<resourceType>.<project>.<name>`, dbt's `unique_id`. */
  uniqueId(resourceType: GraphNode['resourceType'], name: string, packageName?: string): string {
    return `${resourceType}.${packageName ?? this.projectName}.${name}`;
  }

  /** Compiles (once per text) a template, or reports its syntax error and returns undefined. */
  compileTemplate(text: string, file: string): nunjucks.Template | undefined {
    const cached = this.templates.get(text);
    if (cached) return cached;
    try {
      const template = new nunjucks.Template(text, this.env, file, true);
      this.templates.set(text, template);
      return template;
    } catch (error) {
      const problem = describeTemplateError(error, 'compile');
      this.issues.push({ file, line: problem.line, message: `template error: ${problem.message}` });
      return undefined;
    }
  }

  /**
   * Claims a model, seed or snapshot name in its package for `file`; reports a name the package
   * has already and returns false. The root project and a package may each have one.
   */
  claim(name: string, packageName: string | undefined, file: string): boolean {
    const existing = this.owners.get(name, packageName);
    if (existing) {
      this.issues.push({
        file,
        message: `"${name}" is defined twice: in ${existing} and in ${file} (model, seed and snapshot names must be unique within a project or package)`,
      });
      return false;
    }
    this.owners.set(name, packageName, file);
    return true;
  }

  /** The file that defines the model, seed or snapshot `name` of that package, if any. */
  ownerOf(name: string, packageName: string | undefined): string | undefined {
    return this.owners.get(name, packageName);
  }

  /** A test name unique in the project: `_2`, `_3` … after a name taken already. */
  claimTestName(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.testNames.has(name); i++) name = `${wanted}_${i}`;
    this.testNames.add(name);
    return name;
  }
}
