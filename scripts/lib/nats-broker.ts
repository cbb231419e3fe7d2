import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { $, type ProcessPromise } from 'zx';
import { UserError } from '../../src/base/errors/user-error.js';

/** A `nats-server` with JetStream in a temporary folder of its own, on free loopback ports. */
export interface NatsBroker {
  /** `nats://127.0.0.1:PORT`. */
  readonly url: string;
  /** The monitoring endpoint, `http://127.0.0.1:PORT`. */
  readonly monitorUrl: string;
  readonly pid: number;
  /** The folder holding the ports file and the store; removed by {@link NatsBroker.stop}. */
  readonly dir: string;
  /** Creates `stream` taking `subject`, as `npm run publish` would (limits retention). */
  createStream(stream: string, subject: string): Promise<void>;
  /** A stream's messages and consumers, from the monitoring endpoint (zeros while it does not exist). */
  streamState(stream: string): Promise<{ messages: number; consumers: number }>;
  /**
   * Kills the server with SIGKILL (a crash, not a shutdown) and starts it again on the same ports
   * and store, so that streams and consumers survive it.
   */
  restart(): Promise<void>;
  /** Stops the server by its pid and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

const BINARY = process.env['NATS_SERVER'] ?? 'nats-server';
const READY_MS = 20_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's ports, from the file it writes into `dir` named after its own pid. */
function readPorts(dir: string): { pid: number; nats: string; monitoring: string } | undefined {
  const file = readdirSync(dir).find((name) => /_\d+\.ports$/.test(name));
  if (!file) return undefined;
  const ports = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nats?: string[];
    monitoring?: string[];
  };
  const nats = ports.nats?.[0];
  const monitoring = ports.monitoring?.[0];
  const pid = Number(/_(\d+)\.ports$/.exec(file)![1]);
  return nats && monitoring ? { pid, nats, monitoring } : undefined;
}

async function waitReady(
  server: ProcessPromise,
  dir: string,
): Promise<{ pid: number; nats: string; monitoring: string }> {
  const deadline = Date.now() + READY_MS;
  for (;;) {
    if (server.stage === 'fulfilled' || server.stage === 'rejected') {
      throw new Error(`${BINARY} exited: ${(await server).stderr.trim()}`);
    }
    const ports = readPorts(dir);
    if (ports) {
      const health = await fetch(`${ports.monitoring}/healthz?js-enabled-only=true`).catch(
        () => null,
      );
      if (health?.ok) return ports;
    }
    if (Date.now() > deadline) throw new Error(`${BINARY}: not ready after ${READY_MS} ms`);
    await sleep(25);
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

interface Running {
  readonly server: ProcessPromise;
  readonly ports: { pid: number; nats: string; monitoring: string };
}

/** Starts the server in `dir` (on free ports, or the given ones) and waits until it is ready. */
async function launch(dir: string, port = -1, monitorPort = -1): Promise<Running> {
  // `exec` makes the shell become the server, so that its pid is the server's own.
  const server = $({
    prefix: 'exec ',
    quiet: true,
    nothrow: true,
  })`${BINARY} -js -a 127.0.0.1 -p ${port} -m ${monitorPort} --ports_file_dir ${dir} -sd ${join(dir, 'store')}`;
  try {
    return { server, ports: await waitReady(server, dir) };
  } catch (error) {
    // zx refuses (synchronously) to kill a process that has exited already.
    if (server.stage === 'running') await server.kill('SIGKILL').catch(() => undefined);
    throw new UserError(
      `could not start ${BINARY} (${error instanceof Error ? error.message : String(error)}): install nats-server, or name it with NATS_SERVER`,
      1,
      { cause: error },
    );
  }
}

/** Signals the server's pid and waits until it has exited. */
async function halt(running: Running, signal: NodeJS.Signals): Promise<void> {
  if (!processGone(running.ports.pid)) process.kill(running.ports.pid, signal);
  await running.server;
}

/**
 * Starts `nats-server -js` on free loopback ports with its store in a new temporary folder and
 * waits until JetStream answers its health check.
 */
export async function startNatsBroker(): Promise<NatsBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'nats-broker-'));
  let running: Running;
  try {
    running = await launch(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const loopback = (url: string): string => url.replace(/^nats:\/\/[^:]+/, 'nats://127.0.0.1');
  const portOf = (url: string): number => Number(new URL(url).port);
  let stopped = false;
  return {
    get url() {
      return loopback(running.ports.nats);
    },
    get monitorUrl() {
      return running.ports.monitoring;
    },
    get pid() {
      return running.ports.pid;
    },
    dir,
    async createStream(stream, subject) {
      const connection = await connect({ servers: running.ports.nats });
      try {
        await (
          await jetstreamManager(connection)
        ).streams.add({ name: stream, subjects: [subject] });
      } finally {
        await connection.close();
      }
    },
    async streamState(stream) {
      const response = await fetch(`${running.ports.monitoring}/jsz?streams=true`);
      const body = (await response.json()) as {
        account_details?: {
          stream_detail?: { name: string; state: { messages: number; consumer_count: number } }[];
        }[];
      };
      const streams = (body.account_details ?? []).flatMap((a) => a.stream_detail ?? []);
      const state = streams.find((s) => s.name === stream)?.state;
      return { messages: state?.messages ?? 0, consumers: state?.consumer_count ?? 0 };
    },
    async restart() {
      const { nats, monitoring } = running.ports;
      await halt(running, 'SIGKILL');
      // The old ports file would be read as the new server's.
      for (const file of readdirSync(dir).filter((name) => name.endsWith('.ports')))
        rmSync(join(dir, file), { force: true });
      running = await launch(dir, portOf(nats), portOf(monitoring));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt(running, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
