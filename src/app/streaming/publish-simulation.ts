import { connect, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { UserError } from '../../base/errors/user-error.js';
import { Prng } from '../landing/prng.js';
import { resolveSimulationOptions } from '../landing/resolve-simulation-options.js';
import type { SimulationOptions } from '../landing/simulation-options.js';
import { SimulationStream } from '../landing/simulation-stream.js';
import type { SimulationTruth } from '../landing/simulation-truth.js';
import { EMPTY_STREAM_STATE } from '../landing/stream-state.js';
import { PipelinedPublisher } from './pipelined-publisher.js';

/** Where and how `npm run publish` sends the simulated stream. */
export interface PublishOptions {
  /** `nats://host:port`. */
  readonly server: string;
  /** Created (limits retention, file storage) when it does not exist. */
  readonly stream: string;
  /** Default: the stream's name in lower case + `.events`. */
  readonly subject?: string;
  /** Messages per second; default as fast as the broker acknowledges. */
  readonly rate?: number;
  /**
   * The share of publishes sent twice, as a publisher does when an acknowledgement is lost: the
   * second copy gets a new stream sequence. Default 0.
   */
  readonly retryDuplicates?: number;
  /**
   * Set `Nats-Msg-Id` to a transport-level id, so that JetStream's dedup window drops the retried
   * copies. Never the business `message_id`: that would drop the upstream redeliveries the
   * warehouse exists to observe. Default false.
   */
  readonly msgId?: boolean;
  readonly simulation?: Partial<SimulationOptions>;
  /** Called as the simulated messages are sent, out of `simulation.messages`. */
  readonly onProgress?: (published: number, total: number) => void;
}

/** What was published. */
export interface PublishSummary {
  /** Publishes the broker acknowledged, retried copies included. */
  readonly published: number;
  /** Second copies sent for `retryDuplicates`. */
  readonly retried: number;
  /** Publishes JetStream's dedup window dropped (`--msg-id`). */
  readonly deduplicated: number;
  /** The stream sequences this run's publishes took (0 and 0 when none). */
  readonly firstSequence: number;
  readonly lastSequence: number;
  /** What the stream holds after the run, earlier publishes included. */
  readonly stream: { readonly firstSequence: number; readonly lastSequence: number };
  /** The simulator's ground truth of the lines published (before retried copies). */
  readonly truth: SimulationTruth;
  readonly seconds: number;
}

/** Publishes awaiting their acknowledgement at most; order is kept by the one connection. */
const IN_FLIGHT = 4096;
/** As long as `jetstream().publish()` waits for an acknowledgement by default. */
const ACK_TIMEOUT_MS = 5000;
const CHUNK = 4096;

async function ensureStream(
  connection: NatsConnection,
  stream: string,
  subject: string,
): Promise<void> {
  const manager = await jetstreamManager(connection);
  try {
    const info = await manager.streams.info(stream);
    const subjects = info.config.subjects ?? [];
    if (!subjects.includes(subject)) {
      throw new UserError(
        `stream ${stream} takes the subjects ${subjects.join(', ') || '(none)'}, not ${subject}: pass --subject`,
        2,
      );
    }
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === 10059)) throw error;
    await manager.streams.add({ name: stream, subjects: [subject] });
  }
}

/**
 * Publishes the simulator's chaotic stream (the same generator and options as `npm run simulate`,
 * malformed lines included) to a JetStream stream, each message with its publish time in a header.
 */
export async function publishSimulation(options: PublishOptions): Promise<PublishSummary> {
  const simulation = resolveSimulationOptions(options.simulation ?? {});
  const subject = options.subject ?? `${options.stream.toLowerCase()}.events`;
  const started = Date.now();
  let connection: NatsConnection;
  try {
    connection = await connect({ servers: options.server, name: 'dedup-warehouse publisher' });
  } catch (cause) {
    throw new UserError(`cannot reach the NATS server ${options.server}: ${String(cause)}`, 2, {
      cause,
    });
  }
  try {
    await ensureStream(connection, options.stream, subject);
    const summary = await publishLines(connection, options, simulation, subject, started);
    const { state } = await (await jetstreamManager(connection)).streams.info(options.stream);
    return { ...summary, stream: { firstSequence: state.first_seq, lastSequence: state.last_seq } };
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `publishing to ${options.stream} on ${options.server} failed: ${String(error)}`,
      1,
      {
        cause: error,
      },
    );
  } finally {
    await connection.drain().catch(() => connection.close());
  }
}

async function publishLines(
  connection: NatsConnection,
  options: PublishOptions,
  simulation: SimulationOptions,
  subject: string,
  started: number,
): Promise<Omit<PublishSummary, 'stream'>> {
  const retry = new Prng(simulation.seed ^ 0x2545f491);
  const stream = new SimulationStream(simulation, EMPTY_STREAM_STATE);
  const counts = { published: 0, retried: 0, deduplicated: 0, first: 0, last: 0, sent: 0 };
  const publisher = new PipelinedPublisher(
    connection,
    subject,
    { inFlight: IN_FLIGHT, ackTimeoutMs: ACK_TIMEOUT_MS },
    (ack) => {
      if (ack.duplicate) counts.deduplicated++;
      else {
        counts.published++;
        if (counts.first === 0 || ack.seq < counts.first) counts.first = ack.seq;
        counts.last = Math.max(counts.last, ack.seq);
      }
    },
  );
  const send = async (line: string, id: string): Promise<void> => {
    if (options.rate) {
      const due = started + (counts.sent / options.rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    counts.sent++;
    await publisher.publish(line, options.msgId ? id : undefined);
  };
  let ordinal = 0;
  while (!stream.done) {
    const lines: string[] = [];
    if (
      stream.fill(
        CHUNK,
        (m) => lines.push(m.line),
        (bad) => lines.push(bad),
      ) === 0
    )
      break;
    for (const line of lines) {
      const id = `${stream.runTag}-p${++ordinal}`;
      await send(line, id);
      if (options.retryDuplicates && retry.next() < options.retryDuplicates) {
        counts.retried++;
        await send(line, id);
      }
    }
    // Counted as the generator counts --messages: retried copies and malformed lines aside.
    options.onProgress?.(stream.truth.messages, simulation.messages);
  }
  await publisher.flush();
  return {
    published: counts.published,
    retried: counts.retried,
    deduplicated: counts.deduplicated,
    firstSequence: counts.first,
    lastSequence: counts.last,
    truth: { ...stream.truth },
    seconds: (Date.now() - started) / 1000,
  };
}
