import { timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { DuckDBInstance } from '@duckdb/node-api';
import { hashMd5Password, PostgresConnection, type Credentials } from 'pg-gateway';
import { EndpointSession } from './endpoint-session.js';
import { MessageFramer } from './wire-messages.js';
import type { QueryBounds } from './run-bounded.js';

/** How the endpoint listens and whom it lets in. */
export interface QueryEndpointOptions {
  /** TCP port on 127.0.0.1; 0 (the default) takes a free one. */
  readonly port?: number;
  readonly user: string;
  readonly password: string;
  readonly bounds: QueryBounds;
}

/** A listening endpoint. `close()` ends every client and stops listening. */
export interface QueryEndpoint {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Serves read-only SQL over the PostgreSQL wire protocol on loopback, each client on a connection
 * of its own from `instance`: DuckDB runs its statements on its own threads beside the consumer's
 * writes, and a statement sees what was committed when it began. Logins use MD5 password
 * authentication (pg-gateway offers no SCRAM), so the password never crosses the wire.
 */
export async function startQueryEndpoint(
  instance: DuckDBInstance,
  options: QueryEndpointOptions,
): Promise<QueryEndpoint> {
  const sockets = new Set<Socket>();
  const sessions = new Set<EndpointSession>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    let session: EndpointSession | null = null;
    const client: PostgresConnection = new PostgresConnection(socket, {
      serverVersion: '16.0',
      authMode: 'md5Password',
      validateCredentials: (credentials) => validPassword(credentials, options),
      onAuthenticated: async () => {
        sendSessionParameters(client);
        const connection = await instance.connect();
        if (socket.destroyed) return connection.closeSync();
        const live = new EndpointSession(client, connection, options.bounds);
        session = live;
        sessions.add(live);
        // After login the endpoint frames messages itself: a client may send several in one
        // packet (Parse, Bind, Describe, Execute, Sync), which pg-gateway's reader mis-slices.
        client.detach();
        const framer = new MessageFramer();
        socket.on('data', (chunk) => {
          for (const message of framer.push(chunk)) live.push(message);
        });
      },
    });
    socket.on('close', () => {
      sockets.delete(socket);
      if (session) {
        sessions.delete(session);
        void session.close();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: HOST,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await Promise.all([...sessions].map((session) => session.close()));
      await closed;
    },
  };
}

async function validPassword(
  credentials: Credentials,
  options: QueryEndpointOptions,
): Promise<boolean> {
  if (credentials.authMode !== 'md5Password' || credentials.user !== options.user) return false;
  const expected = Buffer.from(
    await hashMd5Password(options.user, options.password, credentials.salt),
  );
  const given = Buffer.from(credentials.hash);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// What psql and drivers expect to learn right after login; DuckDB's text output matches these.
function sendSessionParameters(client: PostgresConnection): void {
  client.sendParameterStatus('client_encoding', 'UTF8');
  client.sendParameterStatus('server_encoding', 'UTF8');
  client.sendParameterStatus('DateStyle', 'ISO, MDY');
  client.sendParameterStatus('TimeZone', 'UTC');
  client.sendParameterStatus('integer_datetimes', 'on');
  client.sendParameterStatus('standard_conforming_strings', 'on');
}
