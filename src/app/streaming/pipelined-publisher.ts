import { createInbox, headers, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { PUBLISHED_AT_HEADER } from './jetstream-source.js';

/** What the broker said to one publish. */
export interface PublishAck {
  readonly seq: number;
  /** JetStream's dedup window dropped it (a `Nats-Msg-Id` seen before). */
  readonly duplicate: boolean;
}

/** How many publishes may wait for their acknowledgement, and for how long. */
export interface PipelinedPublisherOptions {
  readonly inFlight: number;
  readonly ackTimeoutMs: number;
}

interface Pending {
  readonly sentAt: number;
}

/**
 * Publishes to a JetStream subject with many publishes in flight, each acknowledged by the broker
 * (the JetStream publish protocol: a core publish with a reply subject, answered by a `PubAck`).
 * `jetstream().publish()` makes each publish a request with its own timer and reply handling,
 * which holds a publisher to a fraction of what the broker takes; here one subscription on a
 * per-run inbox receives every acknowledgement, so the cost per message is a publish and a small
 * JSON parse. Nothing is given up: every publish still waits for its acknowledgement, an error
 * or a missing acknowledgement fails the run, and `flush()` returns only once all are in.
 */
export class PipelinedPublisher {
  private readonly inbox = createInbox();
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly connection: NatsConnection,
    private readonly subject: string,
    private readonly options: PipelinedPublisherOptions,
    private readonly onAck: (ack: PublishAck) => void,
  ) {
    connection.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => this.received(error, msg),
    });
    this.timer = setInterval(() => this.checkTimeouts(), Math.min(1000, options.ackTimeoutMs));
    this.timer.unref();
  }

  /** Publishes one message; resolves once fewer than `inFlight` publishes await acknowledgement. */
  async publish(data: string, msgId?: string): Promise<void> {
    if (this.failure) throw this.failure;
    const id = ++this.next;
    const h = headers();
    h.set(PUBLISHED_AT_HEADER, String(Date.now()));
    if (msgId !== undefined) h.set('Nats-Msg-Id', msgId);
    this.pending.set(id, { sentAt: Date.now() });
    this.connection.publish(this.subject, data, { reply: `${this.inbox}.${id}`, headers: h });
    while (this.pending.size >= this.options.inFlight && !this.failure) await this.waitForAck();
    if (this.failure) throw this.failure;
  }

  /** Waits for every acknowledgement; throws the first failure. */
  async flush(): Promise<void> {
    try {
      while (this.pending.size > 0 && !this.failure) await this.waitForAck();
      if (this.failure) throw this.failure;
    } finally {
      clearInterval(this.timer);
    }
  }

  private waitForAck(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.signal();
  }

  private received(error: Error | null, msg: Msg): void {
    if (error) return this.fail(error);
    const id = Number(msg.subject.slice(this.inbox.length + 1));
    if (!this.pending.delete(id)) return;
    if (msg.headers?.hasError) {
      const { code, description } = msg.headers;
      const reason = code === 503 ? `no stream takes the subject ${this.subject}` : description;
      return this.fail(new Error(`publish ${id} was refused (${code}): ${reason}`));
    }
    const ack = parseAck(msg.string());
    if ('error' in ack) return this.fail(new Error(`publish ${id} was refused: ${ack.error}`));
    this.onAck(ack);
    if (this.pending.size < this.options.inFlight) this.signal();
  }

  private checkTimeouts(): void {
    const oldest = this.pending.entries().next();
    if (oldest.done) return;
    const [id, { sentAt }] = oldest.value;
    if (Date.now() - sentAt > this.options.ackTimeoutMs) {
      this.fail(
        new Error(`publish ${id} got no acknowledgement within ${this.options.ackTimeoutMs} ms`),
      );
    }
  }
}

function parseAck(text: string): PublishAck | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { error: `not a JetStream acknowledgement: ${text.slice(0, 80)}` };
  }
  const ack = body as { seq?: unknown; duplicate?: unknown; error?: { description?: unknown } };
  if (ack.error) return { error: String(ack.error.description ?? JSON.stringify(ack.error)) };
  if (typeof ack.seq !== 'number') return { error: `no sequence in ${text.slice(0, 80)}` };
  return { seq: ack.seq, duplicate: ack.duplicate === true };
}
