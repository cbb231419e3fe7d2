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
