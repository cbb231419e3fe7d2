import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'dedup-warehouse';

/**
 * The root of this repository, found by walking up to its `package.json`: the code runs from
 * `src/` under tsx and from bundles under `dist/`, at different depths.
 */
function findRepositoryRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
      if (manifest.name === PACKAGE_NAME) return dir;
    }
    if (dirname(dir) === dir)
      throw new Error(`no package.json named ${PACKAGE_NAME} above ${start}`);
  }
}

export const REPOSITORY_ROOT = findRepositoryRoot(dirname(fileURLToPath(import.meta.url)));
