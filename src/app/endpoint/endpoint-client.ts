import type { ClientConfig } from 'pg';
import { UserError } from '../../base/errors/user-error.js';
import { liveEndpoint, PASSWORD_ENV } from './endpoint-file.js';

/** A `pg` connection to a live consumer's endpoint, and the consumer's process. */
export interface LiveEndpoint {
  readonly config: ClientConfig;
  readonly pid: number;
}

/**
 * How to reach the query endpoint of the consumer that holds `dbPath`: `null` when no live
 * consumer serves one (no endpoint file, or its process is gone). The password is
 * `DW_QUERY_PASSWORD` when set, else the one the consumer wrote into the endpoint file.
 */
export function findLiveEndpoint(dbPath: string): LiveEndpoint | null {
  const info = liveEndpoint(dbPath);
  if (info === null) return null;
  const password = process.env[PASSWORD_ENV] || info.password;
  if (password === undefined) {
    throw new UserError(
      `Warehouse ${dbPath} is held by a consumer (process ${info.pid}) whose query endpoint takes its password from $${PASSWORD_ENV}: set it to the same value here.`,
    );
  }
  return {
    pid: info.pid,
    config: {
      host: info.host,
      port: info.port,
      user: info.user,
      password,
      database: 'warehouse',
      application_name: 'dedup-warehouse',
      connectionTimeoutMillis: 10_000,
    },
  };
}
