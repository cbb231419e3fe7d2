import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type Consumer,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { UserError } from '../../base/errors/user-error.js';
import type { MessageSource, SourceBatch, SourceMessage } from './message-source.js';

/** The header in which `npm run publish` says when it sent a message (epoch milliseconds). */
export const PUBLISHED_AT_HEADER = 'Dw-Published-At';

/** Where a JetStream source reads, and from which position on. */
export interface JetStreamSourceOptions {
  /** `nats://host:port`. */
  readonly server: string;
  readonly stream: string;
  /** The durable consumer's name; it also names the warehouse's checkpoint. */
  readonly durable: string;
  /** The last position the warehouse landed (0 before the first). */
  readonly after: number;
  /**
   * When the warehouse's checkpoint says the stream was created (undefined before the first
   * batch): a different creation time means the stream was made again and its positions restart.
   */
  readonly expectCreatedAt?: Date;
}

/** A redelivery of a landed message waits this long before the broker sends it again. */
const ACK_WAIT_NANOS = 60_000_000_000;

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Reads a JetStream stream through a durable pull consumer that this source places at the
 * warehouse's checkpoint + 1 on every start (and after every broker failure), so that what the
 * broker believes was acknowledged never decides what lands. Acknowledgements are cumulative
 * (`AckPolicy.All`): one per committed batch.
 */
export class JetStreamSource implements MessageSource {
  readonly name: string;
  private expected: number;
  private consumer: Consumer | undefined;
  /**
   * The last delivery of each fetch not yet acknowledged, oldest first: with the next batch
   * fetched while one lands, acknowledging a batch must not acknowledge the one fetched after it.
   */
  private ackable: JsMsg[] = [];
  /** A gap met after the messages of a batch: reported on the next fetch, once they are landed. */
  private gap: UserError | undefined;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly manager: JetStreamManager,
    private readonly options: JetStreamSourceOptions,
    readonly createdAt: Date,
  ) {
    this.name = `nats:${options.stream}`;
    this.expected = options.after + 1;
  }

  /** Connects, checks the stream against the checkpoint and places the consumer after it. */
  static async open(options: JetStreamSourceOptions): Promise<JetStreamSource> {
    let connection: NatsConnection;
    try {
      connection = await connect({
        servers: options.server,
        name: `dedup-warehouse consumer ${options.durable}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      });
    } catch (cause) {
      throw new UserError(`cannot reach the NATS server ${options.server}: ${describe(cause)}`, 2, {
        cause,
      });
    }
    try {
      const manager = await jetstreamManager(connection);
      const info = await manager.streams.info(options.stream).catch((cause: unknown) => {
        if (cause instanceof JetStreamApiError && cause.code === 10059) {
          throw new UserError(
            `stream ${options.stream} does not exist on ${options.server} (create it with npm run publish, or name another with --stream)`,
            2,
            { cause },
          );
        }
        throw cause;
      });
      const createdAt = new Date(info.created);
      const source = new JetStreamSource(connection, manager, options, createdAt);
      source.checkStream(info.state.first_seq, info.state.last_seq);
      await source.place();
      return source;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  private checkStream(firstSeq: number, lastSeq: number): void {
    const { stream, expectCreatedAt } = this.options;
    if (expectCreatedAt && expectCreatedAt.getTime() !== this.createdAt.getTime()) {
      throw new UserError(
        `stream ${stream} was created at ${this.createdAt.toISOString()}, but the warehouse's checkpoint belongs to a stream of that name created at ${expectCreatedAt.toISOString()}: the stream was made again and its sequences start over. Consume it under another --durable name to land it as a new stream.`,
        1,
      );
    }
    if (this.expected < firstSeq && lastSeq >= this.expected) {
      throw new UserError(
        `stream ${stream}: sequences ${this.expected} to ${firstSeq - 1} are gone from the broker (its limits or a purge removed them) before they were landed; nothing was landed. The stream now starts at ${firstSeq}.`,
        1,
      );
    }
  }

  /** (Re)creates the durable consumer so that its next delivery is the expected position. */
  private async place(): Promise<void> {
    const { stream, durable } = this.options;
    await this.manager.consumers.delete(stream, durable).catch(() => false);
    await this.manager.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.All,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.expected,
      ack_wait: ACK_WAIT_NANOS,
      max_ack_pending: -1,
    });
    this.consumer = await jetstream(this.connection).consumers.get(stream, durable);
    this.ackable = [];
  }

  async fetch(max: number, waitMs: number): Promise<SourceBatch> {
    if (this.gap) throw this.gap;
    const messages: SourceMessage[] = [];
    let skipped = 0;
    let lastDelivery: JsMsg | undefined;
    try {
      const consumer = this.consumer ?? (await this.placeAgain());
      // Ask for what is waiting, so that a fetch returns at once rather than wait out its expiry
      // for a full batch; with nothing waiting, wait for the first messages to arrive.
      const waiting = (await consumer.info(false)).num_pending;
      const batch = await consumer.fetch({
        max_messages: waiting > 0 ? Math.min(max, waiting) : max,
        expires: Math.max(1000, waitMs),
      });
      for await (const delivery of batch) {
        const position = delivery.seq;
        if (position < this.expected) {
          skipped++;
          lastDelivery = delivery;
          continue;
        }
        if (position > this.expected) {
          this.gap = await this.gapError(position);
          if (messages.length === 0) throw this.gap;
          batch.stop();
          break;
        }
        lastDelivery = delivery;
        messages.push(toSourceMessage(delivery));
        this.expected = position + 1;
      }
    } catch (error) {
      if (error instanceof UserError) throw error;
      // The broker went away or lost the consumer: place it again at the expected position.
      this.consumer = undefined;
      if (messages.length === 0)
        throw new SourceUnavailableError(describe(error), { cause: error });
    } finally {
      if (lastDelivery) this.ackable.push(lastDelivery);
    }
    return { messages, skipped };
  }

  private async placeAgain(): Promise<Consumer> {
    await this.place();
    return this.consumer!;
  }

  private async gapError(position: number): Promise<UserError> {
    const { stream } = this.options;
    for (let seq = this.expected; seq < position; seq++) {
      const stored = await this.manager.streams.getMessage(stream, { seq });
      if (stored !== null) {
        // Delivered out of order: the consumer is not where it should be. Place it again.
        this.consumer = undefined;
        throw new SourceUnavailableError(`stream ${stream}: delivery out of order at ${seq}`);
      }
    }
    return new UserError(
      `stream ${stream}: sequence${position - this.expected > 1 ? `s ${this.expected} to ${position - 1} are` : ` ${this.expected} is`} missing from the stream (deleted before it was landed); refusing to land ${position} past the gap. Nothing after sequence ${this.expected - 1} was landed.`,
      1,
    );
  }

  async acknowledge(position: number): Promise<void> {
    let delivery: JsMsg | undefined;
    while (this.ackable[0] && this.ackable[0].seq <= position) delivery = this.ackable.shift();
    if (!delivery) return;
    // An acknowledgement that does not arrive is harmless: the checkpoint already covers the
    // batch, and its redelivery is skipped.
    await delivery.ackAck().catch(() => false);
  }

  async lastPosition(): Promise<number> {
    const info = await this.manager.streams.info(this.options.stream);
    return info.state.last_seq;
  }

  async close(): Promise<void> {
    await this.connection.drain().catch(() => this.connection.close());
  }
}

/** The broker cannot be reached or lost the consumer's state; fetching again may succeed. */
export class SourceUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceUnavailableError';
  }
}

function toSourceMessage(delivery: JsMsg): SourceMessage {
  const sent = delivery.headers?.get(PUBLISHED_AT_HEADER);
  const publishedAt = sent && /^\d+$/.test(sent) ? new Date(Number(sent)) : null;
  return {
    position: delivery.seq,
    deliveryCount: delivery.info.deliveryCount,
    data: delivery.data,
    publishedAt,
  };
}
