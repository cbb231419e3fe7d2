import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Temporary folders made on demand and removed together. */
export interface TempDirs {
  /** A new empty folder under the system's temporary folder, its name starting with `prefix`. */
  make(prefix?: string): string;
  /** Removes every folder made so far, whatever it holds. */
  removeAll(): void;
}

export function tempDirs(): TempDirs {
  const made: string[] = [];
  return {
    make(prefix = 'dw-test-') {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Temporary folders for what a suite sets up once (in `beforeAll`): called at the top of a test file
 * or inside a `describe` block, its folders are removed after that suite's last test. A single test's
 * folders come from the `tempDir` fixture instead.
 */
export function suiteTempDirs(): TempDirs {
  const dirs = tempDirs();
  afterAll(() => dirs.removeAll());
  return dirs;
}
