import type { Project } from '../project/load-project.js';

/**
 * The vars a project's templates see: the project's `vars:`, then those scoped to the project
 * (`vars: {<project name>: {key: value}}`, as dbt allows), then `--vars`, later ones winning.
 */
export function projectVars(
  project: Project,
  overrides: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const { vars: declared, name } = project.file;
  const scoped = declared[name];
  if (scoped === null || typeof scoped !== 'object' || Array.isArray(scoped)) {
    return { ...declared, ...overrides };
  }
  const global = { ...declared };
  delete global[name];
  return { ...global, ...(scoped as Record<string, unknown>), ...overrides };
}

/** A `vars:` mapping without the entries scoped to a project (`{<project>: {…}}`). */
function globalVars(
  declared: Readonly<Record<string, unknown>>,
  projects: ReadonlySet<string>,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(declared).filter(([key]) => !projects.has(key)));
}

function scopedVars(
  declared: Readonly<Record<string, unknown>>,
  name: string,
): Record<string, unknown> {
  const scoped = declared[name];
  return scoped !== null && typeof scoped === 'object' && !Array.isArray(scoped)
    ? (scoped as Record<string, unknown>)
    : {};
}

/**
 * The vars an installed package's nodes see, as dbt layers them: the package's own `vars:`, then
 * the root project's, then the root's scoped to the package (`vars: {<package>: {…}}`), then
 * `--vars`, later ones winning.
 */
export function packageVars(
  project: Project,
  packageName: string,
  overrides: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const pkg = project.packages.find((candidate) => candidate.name === packageName);
  const projects = new Set([project.file.name, ...project.packages.map((p) => p.name)]);
  const own = pkg
    ? { ...globalVars(pkg.file.vars, projects), ...scopedVars(pkg.file.vars, packageName) }
    : {};
  return {
    ...own,
    ...globalVars(project.file.vars, projects),
    ...scopedVars(project.file.vars, packageName),
    ...overrides,
  };
}
