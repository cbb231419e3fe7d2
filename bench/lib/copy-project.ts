import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fg from 'fast-glob';

const PROJECT_FILES = ['dbt_project.yml', 'packages.yml', 'selectors.yml'];
const PROJECT_FOLDERS = ['models', 'macros', 'seeds', 'snapshots', 'analyses'];

/**
 * Copies a dbt-style project (its YAML files, models, macros, seeds and singular SQL tests under
 * `tests/`) into `dir`, replacing what was there, so that the benchmark's builds write their
 * artifacts (`target/`) away from the working tree. Returns `dir`.
 */
export function copyProject(projectDir: string, dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of PROJECT_FILES) {
    if (existsSync(join(projectDir, file))) cpSync(join(projectDir, file), join(dir, file));
  }
  for (const folder of PROJECT_FOLDERS) {
    if (existsSync(join(projectDir, folder)))
      cpSync(join(projectDir, folder), join(dir, folder), { recursive: true });
  }
  for (const file of fg.sync('tests/**/*.sql', {
    cwd: projectDir,
    ignore: ['tests/fixtures/**'],
  })) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(projectDir, file), join(dir, file));
  }
  return dir;
}
