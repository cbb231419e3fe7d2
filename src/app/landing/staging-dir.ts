import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The prefixes of the landing's temporary staging folders: the simulator's row groups, a gzip file's
 * decompressed text and a large file's pieces.
 */
export const STAGING_PREFIXES = [
  'landing-simulate-',
  'landing-gunzip-',
  'landing-pieces-',
] as const;

/** One of {@link STAGING_PREFIXES}. */
export type StagingPrefix = (typeof STAGING_PREFIXES)[number];

/** The file in each staging folder naming the process that owns it. */
export const STAGING_OWNER_FILE = 'owner.json';

/** The content of {@link STAGING_OWNER_FILE}. */
export interface StagingOwner {
  readonly pid: number;
  readonly hostname: string;
}

/**
 * Makes a new staging folder `<parent>/<prefix>XXXXXX` (default parent: the OS temporary folder)
 * holding an {@link STAGING_OWNER_FILE} with this process's pid and host name, after sweeping the
 * stale staging folders of `parent` (see {@link sweepStaleStagingDirs}). The caller removes the folder
 * when done; if the process is killed first, the next landing that stages something removes it.
 */
export function makeStagingDir(prefix: StagingPrefix, parent: string = tmpdir()): string {
  sweepStaleStagingDirs(parent);
  const dir = mkdtempSync(join(parent, prefix));
  const owner: StagingOwner = { pid: process.pid, hostname: hostname() };
  writeFileSync(join(dir, STAGING_OWNER_FILE), JSON.stringify(owner));
  return dir;
}

/** The owner recorded in `dir`, or undefined when there is no readable, well-formed owner file. */
function readOwner(dir: string): StagingOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(dir, STAGING_OWNER_FILE), 'utf8')) as unknown;
    if (typeof owner !== 'object' || owner === null) return undefined;
    const { pid, hostname: host } = owner as Record<string, unknown>;
    // A pid of 0 or below would address a process group in process.kill: never one of ours.
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
    if (typeof host !== 'string') return undefined;
    return { pid, hostname: host };
  } catch {
    return undefined;
  }
}

/** False only when no process has this pid (ESRCH); a process of another user (EPERM) is alive. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the staging folders that a killed landing left in `parent` (default: the OS temporary
 * folder) and returns their paths. A folder is removed only when all of these hold: its name starts
 * with one of {@link STAGING_PREFIXES}; it is a real folder (not a symlink) of this user; its
 * {@link STAGING_OWNER_FILE} names this host; and no process has the pid it names. A folder of a live
 * process, one without an owner file (or an unreadable one) and anything else are left alone.
 * Never throws: a folder that cannot be inspected or removed is skipped.
 */
export function sweepStaleStagingDirs(parent: string = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const uid = process.getuid?.();
  const host = hostname();
  const removed: string[] = [];
  for (const name of names) {
    if (!STAGING_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    const dir = join(parent, name);
    try {
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      const owner = readOwner(dir);
      if (owner === undefined || owner.hostname !== host || isAlive(owner.pid)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Removed meanwhile, or not ours to inspect: leave it.
    }
  }
  return removed;
}
