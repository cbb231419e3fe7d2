import { EmittedMessage } from './emitted-message.js';
import { CURRENCIES, METHODS } from './payment-codes.js';
import { Prng } from './prng.js';
import type { RowSink, SimulatedRow } from './simulated-row.js';
import { TRUTH_WATERMARK_MINUTES, type SimulationOptions } from './simulation-options.js';
import type { SimulationTruth } from './simulation-truth.js';
import { EMPTY_STREAM_STATE, type StreamState } from './stream-state.js';

interface Transaction {
  readonly no: number;
  readonly partition: number;
  readonly amountCents: number;
  readonly currencyCode: number;
  readonly customerNo: number;
  readonly methodCode: number;
  state: 'authorized' | 'captured';
  willRefund: boolean;
  landed: boolean;
}

interface Message {
  readonly messageNo: number;
  readonly sequenceId: number;
  readonly partitionId: number;
  readonly createdAtMs: number;
  readonly eventTypeCode: number;
  readonly txn: Transaction;
  /** Copies to schedule after the first copy is emitted. */
  extras: Variant[] | null;
  emitted: boolean;
  conflictCounted: boolean;
}

type Variant = 'canonical' | 'reserialised' | 'conflict';

/** The event type codes, indexes into `EVENT_TYPES`. */
const [AUTHORIZED, CAPTURED, FAILED, REFUNDED] = [0, 1, 2, 3];
const MAX_OPEN_TRANSACTIONS = 64;
const WATERMARK_MS = TRUTH_WATERMARK_MINUTES * 60_000;

/**
 * A deterministic chaotic payment-event stream, produced in chunks with bounded memory: messages
 * that are held back (out of order, late) or redelivered wait in small buffers, never the whole
 * stream. It measures its own ground truth ({@link SimulationTruth}) as it emits, independently of
 * any SQL.
 */
export class SimulationStream {
  readonly truth: SimulationTruth = {
    messages: 0,
    unique_messages: 0,
    redeliveries: 0,
    payload_conflicts: 0,
    missing_sequences: 0,
    late_messages: 0,
    out_of_order_messages: 0,
    transactions: 0,
    malformed_lines: 0,
  };

  private readonly prng: Prng;
  private readonly malformedPrng: Prng;
  /** The tag of this run, prefix of its message and transaction ids. */
  readonly runTag: string;
  private clockMs: number;
  private scheduled = 0;
  private emitted = 0;
  private originals = 0;
  private transactionCount = 0;
  private readonly open: Transaction[] = [];
  private readonly nextSequence: number[] = [];
  private readonly maxFirstSequence: number[] = [];
  private readonly stats: Map<number, { min: number; max: number; distinct: number }>;
  private readonly missingBefore: number;
  private maxCreatedMs: number | null;
  /** The queue of copies to emit next, as two parallel arrays (no object per row). */
  private readonly readyMsgs: Message[] = [];
  private readonly readyVariants: Variant[] = [];
  private readyHead = 0;
  private readonly due = new Map<number, { msg: Message; variant: Variant }[]>();
  private readonly late: { msg: Message; releaseAfterMs: number }[] = [];
  /** The row handed to the sink, refilled for every row. */
  private readonly row: SimulatedRow = {
    ordinal: 0,
    messageNo: 0,
    sequenceId: 0,
    partitionId: 0,
    createdAtMs: 0,
    transactionNo: 0,
    eventTypeCode: 0,
    amountCents: 0,
    currencyCode: 0,
    customerNo: 0,
    methodCode: 0,
    reserialised: false,
  };

  constructor(
    private readonly options: SimulationOptions,
    state: StreamState = EMPTY_STREAM_STATE,
  ) {
    this.prng = new Prng(options.seed);
    this.malformedPrng = new Prng(options.seed ^ 0x5bd1e995);
    this.clockMs = options.startMs;
    this.runTag = `s${options.seed}-${options.startMs.toString(36)}`;
    this.maxCreatedMs = state.maxCreatedMs;
    this.stats = new Map([...state.partitions].map(([p, s]) => [p, { ...s }]));
    this.missingBefore = this.missingSequences();
    for (let p = 0; p < options.partitions; p++) {
      const present = state.partitions.get(p);
      this.nextSequence.push(present ? present.max + 1 : 1);
      this.maxFirstSequence.push(present ? present.max : -1);
    }
  }

  /** True once every message has been emitted. */
  get done(): boolean {
    return this.emitted >= this.options.messages && this.readyHead >= this.readyMsgs.length;
  }

  /**
   * Emits up to `limit` rows, calling `onMessage` for each and `onMalformed` for each malformed line
   * (only when `malformedRate` > 0). Returns the number of rows emitted.
   */
  fill(
    limit: number,
    onMessage: (m: EmittedMessage) => void,
    onMalformed?: (line: string) => void,
  ): number {
    const runTag = this.runTag;
    return this.fillRows(limit, (row) => onMessage(new EmittedMessage(runTag, row)), onMalformed);
  }

  /**
   * {@link fill} for landing: hands each row to `sink` as numbers, allocating nothing per row. The
   * same rows in the same order as {@link fill} would give.
   */
  fillRows(limit: number, sink: RowSink, onMalformed?: (line: string) => void): number {
    let count = 0;
    while (count < limit) {
      if (this.readyHead < this.readyMsgs.length) {
        const msg = this.readyMsgs[this.readyHead]!;
        const variant = this.readyVariants[this.readyHead++]!;
        if (this.readyHead > 4096 && this.readyHead * 2 > this.readyMsgs.length) {
          this.readyMsgs.splice(0, this.readyHead);
          this.readyVariants.splice(0, this.readyHead);
          this.readyHead = 0;
        }
        this.emit(msg, variant, sink, onMalformed);
        count++;
      } else if (this.scheduled < this.options.messages) {
        this.generateOriginal();
      } else if (!this.flushOne()) {
        break;
      }
    }
    this.truth.missing_sequences = this.missingSequences() - this.missingBefore;
    return count;
  }

  private missingSequences(): number {
    let missing = 0;
    for (const s of this.stats.values()) missing += s.max - s.min + 1 - s.distinct;
    return missing;
  }

  /** At the end: releases the earliest scheduled copies, then the late ones. False when nothing is left. */
  private flushOne(): boolean {
    if (this.due.size > 0) {
      const first = Math.min(...this.due.keys());
      for (const entry of this.due.get(first)!) this.pushReady(entry.msg, entry.variant);
      this.due.delete(first);
      return true;
    }
    const held = this.late.shift();
    if (held) {
      this.pushReady(held.msg, 'canonical');
      return true;
    }
    return false;
  }

  private pushReady(msg: Message, variant: Variant): void {
    this.readyMsgs.push(msg);
    this.readyVariants.push(variant);
  }

  private schedule(afterRows: number, msg: Message, variant: Variant): void {
    const at = this.emitted + afterRows;
    const list = this.due.get(at);
    if (list) list.push({ msg, variant });
    else this.due.set(at, [{ msg, variant }]);
  }

  private newTransaction(): Transaction {
    const prng = this.prng;
    const txn: Transaction = {
      no: ++this.transactionCount,
      partition: prng.below(this.options.partitions),
      amountCents: 100 + prng.below(50_000),
      currencyCode: prng.below(CURRENCIES.length),
      customerNo: prng.next() < 0.1 ? -1 : prng.below(5000),
      methodCode: prng.below(METHODS.length),
      state: 'authorized',
      willRefund: false,
      landed: false,
    };
    return txn;
  }

  /** The next event of the payment lifecycles, in event-time order, with its fate decided. */
  private generateOriginal(): void {
    const prng = this.prng;
    const o = this.options;
    if (this.originals > 0) this.clockMs += 1 + prng.below(4000);
    let txn: Transaction;
    let eventType: number;
    if (
      this.open.length === 0 ||
      (this.open.length < MAX_OPEN_TRANSACTIONS && prng.next() < 0.45)
    ) {
      txn = this.newTransaction();
      eventType = AUTHORIZED;
      this.open.push(txn);
    } else {
      const index = prng.below(this.open.length);
      txn = this.open[index]!;
      let closes = true;
      if (txn.state === 'authorized') {
        if (prng.next() < 0.9) {
          eventType = CAPTURED;
          txn.willRefund = prng.next() < 0.15;
          txn.state = 'captured';
          closes = !txn.willRefund;
        } else {
          eventType = FAILED;
        }
      } else {
        eventType = REFUNDED;
      }
      if (closes) {
        this.open[index] = this.open[this.open.length - 1]!;
        this.open.pop();
      }
    }
    const partition = txn.partition;
    const sequenceId = this.nextSequence[partition]!;
    this.nextSequence[partition] = sequenceId + 1;
    const msg: Message = {
      messageNo: ++this.originals,
      sequenceId,
      partitionId: partition,
      createdAtMs: this.clockMs,
      eventTypeCode: eventType,
      txn,
      extras: null,
      emitted: false,
      conflictCounted: false,
    };
    if (prng.next() < o.missingRate) return; // never delivered: a sequence gap
    this.scheduled++;
    const fate = prng.next();
    if (fate < o.lateRate) {
      const releaseAfterMs = msg.createdAtMs + WATERMARK_MS + 60_000 + prng.below(30 * 60_000);
      let i = this.late.length;
      while (i > 0 && this.late[i - 1]!.releaseAfterMs > releaseAfterMs) i--;
      this.late.splice(i, 0, { msg, releaseAfterMs });
    } else if (fate < o.lateRate + o.outOfOrderRate) {
      this.schedule(1 + prng.below(20), msg, 'canonical');
    } else {
      this.pushReady(msg, 'canonical');
    }
    if (this.scheduled < o.messages && prng.next() < o.duplicateRate) {
      this.scheduled++;
      (msg.extras ??= []).push(prng.next() < 0.5 ? 'reserialised' : 'canonical');
    }
    if (this.scheduled < o.messages && prng.next() < o.conflictRate) {
      this.scheduled++;
      (msg.extras ??= []).push('conflict');
    }
  }

  private emit(
    msg: Message,
    variant: Variant,
    sink: RowSink,
    onMalformed: ((line: string) => void) | undefined,
  ): void {
    if (
      onMalformed &&
      this.options.malformedRate > 0 &&
      this.malformedPrng.next() < this.options.malformedRate
    ) {
      onMalformed(this.malformedLine(msg));
      this.truth.malformed_lines++;
    }
    this.emitted++;
    this.count(msg, variant);
    sink(this.fillRow(msg, variant));
    const due = this.due.get(this.emitted);
    if (due) {
      this.due.delete(this.emitted);
      for (const entry of due) this.pushReady(entry.msg, entry.variant);
    }
    while (this.late.length > 0 && this.maxCreatedMs! > this.late[0]!.releaseAfterMs) {
      this.pushReady(this.late.shift()!.msg, 'canonical');
    }
  }

  /** Counts an arrival into the ground truth; a first copy schedules the message's extra copies. */
  private count(msg: Message, variant: Variant): void {
    const truth = this.truth;
    truth.messages++;
    // Lateness against every earlier arrival, as the pipeline's watermark does.
    if (this.maxCreatedMs !== null && msg.createdAtMs < this.maxCreatedMs - WATERMARK_MS)
      truth.late_messages++;
    if (this.maxCreatedMs === null || msg.createdAtMs > this.maxCreatedMs)
      this.maxCreatedMs = msg.createdAtMs;
    if (!msg.emitted) {
      msg.emitted = true;
      truth.unique_messages++;
      const p = msg.partitionId;
      if (msg.sequenceId < this.maxFirstSequence[p]!) truth.out_of_order_messages++;
      else this.maxFirstSequence[p] = msg.sequenceId;
      const s = this.stats.get(p);
      if (s) {
        s.min = Math.min(s.min, msg.sequenceId);
        s.max = Math.max(s.max, msg.sequenceId);
        s.distinct++;
      } else {
        this.stats.set(p, { min: msg.sequenceId, max: msg.sequenceId, distinct: 1 });
      }
      if (!msg.txn.landed) {
        msg.txn.landed = true;
        truth.transactions++;
      }
      if (msg.extras) {
        for (const extra of msg.extras) this.schedule(1 + this.prng.below(200), msg, extra);
        msg.extras = null;
      }
    } else if (variant === 'conflict' && !msg.conflictCounted) {
      msg.conflictCounted = true;
      truth.payload_conflicts++;
    }
    truth.redeliveries = truth.messages - truth.unique_messages;
  }

  /** The row of this copy of `msg`, the {@link emitted}-th of the run. */
  private fillRow(msg: Message, variant: Variant): SimulatedRow {
    const row = this.row;
    const txn = msg.txn;
    row.ordinal = this.emitted;
    row.messageNo = msg.messageNo;
    row.sequenceId = msg.sequenceId;
    row.partitionId = msg.partitionId;
    row.createdAtMs = msg.createdAtMs;
    row.transactionNo = txn.no;
    row.eventTypeCode = msg.eventTypeCode;
    row.amountCents = variant === 'conflict' ? txn.amountCents + 100 : txn.amountCents;
    row.currencyCode = txn.currencyCode;
    row.customerNo = txn.customerNo;
    row.methodCode = txn.methodCode;
    row.reserialised = variant === 'reserialised';
    return row;
  }

  /** A line the loader must reject: cut short, or with a field of the wrong type. */
  private malformedLine(msg: Message): string {
    const kind = this.malformedPrng.below(3);
    const messageId = `${this.runTag}-m${msg.messageNo}`;
    const whole = `{"message_id":"${messageId}-bad","sequence_id":${msg.sequenceId},"partition_id":${msg.partitionId}}`;
    if (kind === 0) return whole.slice(0, 1 + this.malformedPrng.below(whole.length - 2));
    if (kind === 1)
      return `{"message_id":"${messageId}-bad","sequence_id":"${msg.sequenceId}","partition_id":0}`;
    return `["${messageId}-bad"]`;
  }
}
