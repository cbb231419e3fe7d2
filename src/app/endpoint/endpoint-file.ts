import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** Where a live consumer's query endpoint listens and how to log in, beside the warehouse file. */
export interface EndpointInfo {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Absent when the password comes from the environment ({@link PASSWORD_ENV}). */
  readonly password?: string;
  /** The consumer's process: a file whose process is gone is stale and ignored. */
  readonly pid: number;
}

/** The environment variable that sets the endpoint's password instead of a generated one. */
export const PASSWORD_ENV = 'DW_QUERY_PASSWORD';

/** The endpoint file of a warehouse: `<db>.query.json`. */
export function endpointFilePath(dbPath: string): string {
  return `${dbPath}.query.json`;
}

/**
 * Writes the endpoint file readable by its owner only (mode 0600), replacing a stale one. The
 * content goes to a fresh temporary file created with that mode (never an existing file or a
 * link someone placed there), then is renamed over the old one.
 */
export function writeEndpointFile(dbPath: string, info: EndpointInfo): string {
  const path = endpointFilePath(dbPath);
  const temp = `${path}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  writeFileSync(temp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temp, path);
  return path;
}

/** Removes the endpoint file when it is this process's (a later consumer's file stays). */
export function removeEndpointFile(dbPath: string): void {
  const path = endpointFilePath(dbPath);
  if (readEndpointInfo(path)?.pid === process.pid) rmSync(path, { force: true });
}

/** The endpoint of a live consumer of `dbPath`, or `null` (no file, unreadable, or its process is gone). */
export function liveEndpoint(dbPath: string): EndpointInfo | null {
  const info = readEndpointInfo(endpointFilePath(dbPath));
  return info !== null && processAlive(info.pid) ? info : null;
}

function readEndpointInfo(path: string): EndpointInfo | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const info = parsed as Partial<EndpointInfo> | null;
  if (
    typeof info?.host !== 'string' ||
    typeof info.port !== 'number' ||
    typeof info.user !== 'string' ||
    typeof info.pid !== 'number'
  ) {
    return null;
  }
  return info as EndpointInfo;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
