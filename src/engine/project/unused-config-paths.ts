/**
 * Folder paths of a `dbt_project.yml` config tree (`models:`, `seeds:`, `data_tests:`) that apply
 * to no file, as dbt warns ("Configuration paths exist in your dbt_project.yml file which do not
 * apply to any resources"): a misspelt folder would otherwise silently leave its `+materialized`
 * or `+tags` unapplied.
 *
 * `resourcePaths` are the paths of the resources of that kind below their root, e.g.
 * `['silver', 'silver_events']` for `models/silver/silver_events.sql`. Returns the unused paths as
 * `models.<project>.silvr`.
 */
export function unusedConfigPaths(
  key: string,
  tree: Readonly<Record<string, unknown>>,
  projectName: string,
  resourcePaths: readonly (readonly string[])[],
): string[] {
  const unused: string[] = [];
  const isFolder = (k: string, value: unknown): value is Record<string, unknown> =>
    !k.startsWith('+') && value !== null && typeof value === 'object' && !Array.isArray(value);
  const used = (path: readonly string[]): boolean =>
    resourcePaths.some((resource) => path.every((segment, i) => resource[i] === segment));
  const visit = (level: Record<string, unknown>, path: string[]): void => {
    for (const [k, value] of Object.entries(level)) {
      if (!isFolder(k, value)) continue;
      const next = [...path, k];
      if (!used(next)) unused.push(`${key}.${projectName}.${next.join('.')}`);
      else visit(value, next);
    }
  };
  for (const [k, value] of Object.entries(tree)) {
    if (!isFolder(k, value)) continue;
    if (k === projectName) visit(value, []);
    else unused.push(`${key}.${k}`);
  }
  return unused;
}
