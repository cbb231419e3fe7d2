import { isAbsolute, resolve } from 'node:path';

/** The warehouse file name used when neither `--db` nor `WAREHOUSE_PATH` is given. */
export const DEFAULT_WAREHOUSE_FILE = 'warehouse.duckdb';

/**
 * Resolves the warehouse path every command uses: `--db PATH` first, then the `WAREHOUSE_PATH`
 * environment variable, then `warehouse.duckdb` in the project directory. Relative paths given
 * on the command line are relative to the current directory; `:memory:` is kept as is.
 */
export function resolveDbPath(
  projectDir: string,
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const chosen = flag ?? env['WAREHOUSE_PATH'];
  if (chosen === ':memory:') return chosen;
  if (chosen) return isAbsolute(chosen) ? chosen : resolve(process.cwd(), chosen);
  return resolve(projectDir, DEFAULT_WAREHOUSE_FILE);
}
