/** One message as a source delivers it. */
export interface SourceMessage {
  /** The message's position in its stream: strictly increasing, without gaps, from 1. */
  readonly position: number;
  /** How many times the broker has delivered it, this delivery included. */
  readonly deliveryCount: number;
  /** The body, as bytes. */
  readonly data: Uint8Array;
  /** When the publisher sent it, if it said so. */
  readonly publishedAt: Date | null;
}

/** What one fetch returned. */
export interface SourceBatch {
  /** The next positions after the checkpoint, in order. */
  readonly messages: readonly SourceMessage[];
  /** Deliveries of positions at or below the checkpoint: redeliveries, never landed again. */
  readonly skipped: number;
}

/**
 * A stream of messages with positions, consumed exactly once by a warehouse that keeps its own
 * checkpoint: it starts after the position the warehouse says it landed last (never where the
 * broker believes it was acknowledged), delivers the positions that follow in order, and refuses a
 * gap. `acknowledge` is called only after the batch is committed, so a crash in between redelivers
 * what the checkpoint already covers, and those deliveries are skipped.
 */
export interface MessageSource {
  /** A name for the stream in rows and messages (`nats:ORDERS`). */
  readonly name: string;
  /** When the stream was created: a stream made again under the same name starts from 1. */
  readonly createdAt: Date;
  /** Up to `max` messages, waiting at most `waitMs` for the first. */
  fetch(max: number, waitMs: number): Promise<SourceBatch>;
  /** Acknowledges every delivery up to and including `position`. */
  acknowledge(position: number): Promise<void>;
  /** The last position the stream holds now (for the consumer's lag). */
  lastPosition(): Promise<number>;
  close(): Promise<void>;
}
