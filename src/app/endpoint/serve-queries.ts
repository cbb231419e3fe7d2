import { randomBytes } from 'node:crypto';
import { printLine } from '../../base/console/console.js';
import type { Warehouse } from '../../base/warehouse/open-warehouse.js';
import {
  PASSWORD_ENV,
  removeEndpointFile,
  writeEndpointFile,
  type EndpointInfo,
} from './endpoint-file.js';
import { startQueryEndpoint, type QueryEndpoint } from './query-endpoint.js';
import type { QueryBounds } from './run-bounded.js';

/** The endpoint a consumer serves, as `npm run consume` configures it. */
export interface ServeQueriesOptions {
  /** TCP port on 127.0.0.1; default: a free one. */
  readonly port?: number;
  /** Statement timeout in milliseconds (default 60,000). */
  readonly timeoutMs?: number;
  /** Rows a result may hold (default 100,000). */
  readonly maxRows?: number;
}

/** The user the endpoint knows. */
export const ENDPOINT_USER = 'warehouse';

const DEFAULT_BOUNDS: QueryBounds = {
  timeoutMs: 60_000,
  maxRows: 100_000,
  maxBytes: 256 * 1024 * 1024,
};

/**
 * Starts the live warehouse's query endpoint and writes its endpoint file beside the warehouse
 * (`<db>.query.json`, mode 0600) with a password generated for this run, unless one is set in
 * `DW_QUERY_PASSWORD`; prints where it listens. `close()` stops it and removes the file.
 */
export async function serveQueries(
  warehouse: Warehouse,
  options: ServeQueriesOptions = {},
): Promise<{ close(): Promise<void> }> {
  const fromEnv = process.env[PASSWORD_ENV];
  const password =
    fromEnv !== undefined && fromEnv !== '' ? fromEnv : randomBytes(24).toString('base64url');
  const endpoint: QueryEndpoint = await startQueryEndpoint(warehouse.instance, {
    user: ENDPOINT_USER,
    password,
    ...(options.port !== undefined ? { port: options.port } : {}),
    bounds: {
      ...DEFAULT_BOUNDS,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
    },
  });
  const info: EndpointInfo = {
    host: endpoint.host,
    port: endpoint.port,
    user: ENDPOINT_USER,
    ...(password === fromEnv ? {} : { password }),
    pid: process.pid,
  };
  const file = writeEndpointFile(warehouse.path, info);
  printLine(
    `queries: postgresql://${ENDPOINT_USER}@${endpoint.host}:${endpoint.port} (read-only; password in ${password === fromEnv ? `$${PASSWORD_ENV}` : file})`,
  );
  return {
    async close() {
      removeEndpointFile(warehouse.path);
      await endpoint.close();
    },
  };
}
