import { afterAll, beforeAll } from 'vitest';
import { startNatsBroker, type NatsBroker } from '../../scripts/lib/nats-broker.js';

/** A `nats-server` with JetStream of a test's own: the same starter as the demo's and the benchmark's. */
export type NatsServer = NatsBroker;

/** Starts a JetStream server for a test; stop it in the test's clean-up. */
export const startNatsServer: () => Promise<NatsServer> = startNatsBroker;

/**
 * One server for the test file that calls this at its top level: started before its first test,
 * stopped after its last. Returns the server's getter, valid inside the tests.
 */
export function natsServerPerFile(): () => NatsServer {
  let server: NatsServer | undefined;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('natsServerPerFile: the server is not started yet');
    return server;
  };
}
