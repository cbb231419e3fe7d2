// Staging folders: a landing killed with SIGKILL cannot remove its staging folder, so the next
// landing that stages something removes the folders whose owner process is gone, and nothing else.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { it } from './support/fixtures.js';
import {
  STAGING_OWNER_FILE,
  makeStagingDir,
  sweepStaleStagingDirs,
} from '../src/app/landing/staging-dir.js';
import { messageLine } from './support/landing-messages.js';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  return pid;
}

/** A folder `parent/name` holding a staged file and, unless undefined, an owner file of `owner`. */
function folder(parent: string, name: string, owner?: unknown): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'chunk-0-0.parquet'), 'staged');
  if (owner !== undefined) {
    const text = typeof owner === 'string' ? owner : JSON.stringify(owner);
    writeFileSync(join(dir, STAGING_OWNER_FILE), text);
  }
  return dir;
}

it('removes the staging folders of dead processes, and keeps live, unmarked and foreign ones', ({
  tempDir,
}) => {
  const parent = tempDir();
  const dead = deadPid();
  const here = hostname();
  const stale = [
    folder(parent, 'landing-simulate-a1b2c3', { pid: dead, hostname: here }),
    folder(parent, 'landing-gunzip-a1b2c3', { pid: dead, hostname: here }),
    folder(parent, 'landing-pieces-a1b2c3', { pid: dead, hostname: here }),
  ];
  const outside = folder(tempDir(), 'target', { pid: dead, hostname: here });
  symlinkSync(outside, join(parent, 'landing-simulate-link'));
  writeFileSync(join(parent, 'landing-pieces-file'), JSON.stringify({ pid: dead, hostname: here }));
  const kept = [
    folder(parent, 'landing-simulate-live', { pid: process.pid, hostname: here }),
    folder(parent, 'landing-simulate-unmarked'),
    folder(parent, 'landing-gunzip-garbled', '{"pid": '),
    folder(parent, 'landing-gunzip-group', { pid: 0, hostname: here }),
    folder(parent, 'landing-pieces-other-host', { pid: dead, hostname: `not-${here}` }),
    folder(parent, 'landing-test-dead', { pid: dead, hostname: here }),
    folder(parent, 'other-dead', { pid: dead, hostname: here }),
    join(parent, 'landing-simulate-link'),
    join(parent, 'landing-pieces-file'),
    outside,
  ];

  expect(sweepStaleStagingDirs(parent).sort()).toEqual([...stale].sort());
  for (const dir of stale) expect(existsSync(dir), dir).toBe(false);
  for (const path of kept) expect(existsSync(path), path).toBe(true);
  expect(readdirSync(outside).sort()).toEqual(['chunk-0-0.parquet', STAGING_OWNER_FILE]);
  expect(sweepStaleStagingDirs(parent)).toEqual([]);
  expect(sweepStaleStagingDirs(join(parent, 'missing'))).toEqual([]);
});

it('makeStagingDir names this process as the owner and sweeps stale siblings first', ({
  tempDir,
}) => {
  const parent = tempDir();
  const stale = folder(parent, 'landing-gunzip-old', { pid: deadPid(), hostname: hostname() });
  const first = makeStagingDir('landing-simulate-', parent);
  expect(basename(first)).toMatch(/^landing-simulate-.{6}$/);
  expect(JSON.parse(readFileSync(join(first, STAGING_OWNER_FILE), 'utf8'))).toEqual({
    pid: process.pid,
    hostname: hostname(),
  });
  expect(existsSync(stale)).toBe(false);
  // Its own folders are a live process's: never swept.
  const second = makeStagingDir('landing-pieces-', parent);
  expect(readdirSync(parent).sort()).toEqual([basename(first), basename(second)].sort());
});

it('a gzip load removes the staging folder a killed landing left, then its own', async ({
  tempDir,
  runScript,
}) => {
  const dir = tempDir();
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const stale = folder(tmp, 'landing-simulate-killed', { pid: deadPid(), hostname: hostname() });
  const events = join(dir, 'events.jsonl.gz');
  writeFileSync(events, gzipSync(`${messageLine()}\n`));
  const result = await runScript('load', ['--db', join(dir, 'w.duckdb'), events], {
    env: { TMPDIR: tmp },
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(existsSync(stale)).toBe(false);
  expect(readdirSync(tmp).filter((name) => name.startsWith('landing-'))).toEqual([]);
});
