import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A `nats-server` with JetStream of a test's own: loopback, free ports, a temporary store. */
export interface NatsServer {
  /** `nats://127.0.0.1:PORT`. */
  readonly url: string;
  readonly pid: number;
  /** The store folder, kept across {@link NatsServer.restart} so that streams survive it. */
  readonly dir: string;
  /** Stops the server with SIGKILL (a crash, not a shutdown) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops the server (by its pid) and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

const BINARY = process.env['NATS_SERVER'] ?? 'nats-server';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nats-server: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function readPorts(dir: string, pid: number): { nats: string; monitoring: string } | undefined {
  const file = readdirSync(dir).find((name) => name.endsWith(`_${pid}.ports`));
  if (!file) return undefined;
  const ports = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nats?: string[];
    monitoring?: string[];
  };
  const nats = ports.nats?.[0];
  const monitoring = ports.monitoring?.[0];
  return nats && monitoring ? { nats, monitoring } : undefined;
}

function launch(
  dir: string,
  port: number | undefined,
  monitorPort: number | undefined,
): ChildProcess {
  const args = [
    '-js',
    '-a',
    '127.0.0.1',
    '-p',
    String(port ?? -1),
    '-m',
    String(monitorPort ?? -1),
  ];
  args.push('--ports_file_dir', dir, '-sd', join(dir, 'store'));
  const child = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.once('error', (error) => (stderr += String(error)));
  Object.defineProperty(child, 'log', { get: () => stderr });
  return child;
}

async function started(
  child: ChildProcess,
  dir: string,
): Promise<{ nats: string; monitoring: string }> {
  const ports = await waitFor('its ports file', async () => {
    if (child.exitCode !== null) throw new Error('exited');
    return readPorts(dir, child.pid!);
  });
  await waitFor('JetStream to be ready', async () => {
    const response = await fetch(`${ports.monitoring}/healthz?js-enabled-only=true`);
    return response.ok ? true : undefined;
  });
  return ports;
}

function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Starts a JetStream server for a test; stop it in the test's clean-up. */
export async function startNatsServer(): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nats-'));
  let child = launch(dir, undefined, undefined);
  let ports = await started(child, dir).catch((error: unknown) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start ${BINARY}: ${String(error)}`);
  });
  const port = (url: string): number => Number(new URL(url).port);
  let url = ports.nats.replace(/^nats:\/\/[^:]+/, 'nats://127.0.0.1');
  let done = false;
  return {
    get url() {
      return url;
    },
    get pid() {
      return child.pid!;
    },
    dir,
    async restart() {
      await stopped(child, 'SIGKILL');
      child = launch(dir, port(ports.nats), port(ports.monitoring));
      ports = await started(child, dir);
      url = ports.nats.replace(/^nats:\/\/[^:]+/, 'nats://127.0.0.1');
    },
    async stop() {
      if (done) return;
      done = true;
      await stopped(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
