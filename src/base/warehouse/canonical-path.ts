import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * The path of a warehouse file as one string per file: absolute, with its folder's symbolic links
 * resolved (the file itself may not exist yet), so that `w.duckdb`, `./w.duckdb` and a link to its
 * folder name the same file.
 */
export function canonicalWarehousePath(path: string): string {
  const absolute = resolve(path);
  try {
    return join(realpathSync(dirname(absolute)), basename(absolute));
  } catch {
    return absolute;
  }
}
