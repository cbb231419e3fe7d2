import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';

/** The code that decides what the simulator lands: a change to any of it invalidates the cache. */
const SIMULATOR_SOURCES = [
  'src/app/landing/**/*.ts',
  'scripts/simulate.ts',
  'bench/strategies/simulate.ts',
];

/**
 * Key of a cached landed warehouse: the message count, the seed and a hash of the simulator's
 * source files, so a cached `landed.duckdb` is reused only when it would be landed identically.
 */
export async function landedCacheKey(
  projectDir: string,
  messages: number,
  seed: number,
): Promise<string> {
  const files = (await fg(SIMULATOR_SOURCES, { cwd: projectDir })).sort();
  const digest = createHash('sha256');
  digest.update(`messages=${messages};seed=${seed}\n`);
  for (const file of files) digest.update(`${file}\n`).update(readFileSync(join(projectDir, file)));
  return digest.digest('hex');
}

/** True when `dbPath` exists and was landed under `key` (recorded in `<dbPath>.key`). */
export function isCached(dbPath: string, key: string): boolean {
  const keyPath = `${dbPath}.key`;
  return existsSync(dbPath) && existsSync(keyPath) && readFileSync(keyPath, 'utf8').trim() === key;
}

/** Records that `dbPath` was landed under `key`. */
export function markCached(dbPath: string, key: string): void {
  writeFileSync(`${dbPath}.key`, `${key}\n`);
}
