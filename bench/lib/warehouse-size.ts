import { existsSync, statSync } from 'node:fs';

/** Bytes a warehouse occupies on disk: the file plus its WAL when one exists (0 when missing). */
export function warehouseBytes(dbPath: string): number {
  let total = 0;
  for (const path of [dbPath, `${dbPath}.wal`]) {
    if (existsSync(path)) total += statSync(path).size;
  }
  return total;
}
