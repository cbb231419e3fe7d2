import type { TestConfig } from '../graph/node-config.js';
import { folderSegments, mergeConfig, resolveFolderConfig } from '../project/folder-config.js';
import type { Project } from '../project/load-project.js';

/**
 * The config a test declared in `file` starts from: `severity: error`, then `data_tests:` (or
 * `tests:`) of `dbt_project.yml` (`+severity`, `+where` …) for the whole project or per folder of
 * the file.
 */
export function testConfigDefaults(project: Project, file: string): Record<string, unknown> {
  const roots = [
    ...project.file.modelPaths,
    ...project.file.seedPaths,
    ...project.file.testPaths,
    ...project.file.macroPaths,
  ];
  return mergeConfig(
    { severity: 'error' },
    resolveFolderConfig(project.file.tests, project.file.name, folderSegments(file, roots)),
  );
}

/**
 * The config the test runner reads of a test, with dbt's defaults. `new_rows_by` must have been
 * validated (a column name, or unset).
 */
export function resolveTestConfig(config: Readonly<Record<string, unknown>>): TestConfig {
  const newRowsBy = config['new_rows_by'];
  return {
    severity: String(config['severity'] ?? 'error').toLowerCase() === 'error' ? 'error' : 'warn',
    errorIf: String(config['error_if'] ?? '!= 0'),
    warnIf: String(config['warn_if'] ?? '!= 0'),
    failCalc: String(config['fail_calc'] ?? 'count(*)'),
    limit: config['limit'] !== undefined ? Number(config['limit']) : undefined,
    newRowsBy: typeof newRowsBy === 'string' ? newRowsBy : undefined,
  };
}
