import { CURRENCIES, EVENT_TYPES, METHODS } from './payment-codes.js';
import type { SimulatedRow } from './simulated-row.js';

function formatCents(cents: number): string {
  const rest = cents % 100;
  return `${Math.floor(cents / 100)}.${rest < 10 ? '0' : ''}${rest}`;
}

/**
 * One emitted row with its strings (`messageId`, `line`, ...), built only when read, so that
 * landing, which ships the numbers to DuckDB, never pays for JSON text it does not need.
 */
export class EmittedMessage {
  /** The generator's numbers (a copy: the stream refills its row). */
  readonly row: Readonly<SimulatedRow>;

  constructor(
    /** The run's tag, shared by its message and transaction ids (`s42-m4ze8xs0`). */
    readonly runTag: string,
    row: Readonly<SimulatedRow>,
  ) {
    this.row = { ...row };
  }

  get messageId(): string {
    return `${this.runTag}-m${this.row.messageNo}`;
  }

  get transactionId(): string {
    return `${this.runTag}-t${this.row.transactionNo}`;
  }

  get createdAtIso(): string {
    return new Date(this.row.createdAtMs).toISOString();
  }

  get eventType(): string {
    return EVENT_TYPES[this.row.eventTypeCode]!;
  }

  /** Amount as written in the JSON, two decimals. */
  get amount(): string {
    return formatCents(this.row.amountCents);
  }

  get currency(): string {
    return CURRENCIES[this.row.currencyCode]!;
  }

  get customerId(): string | null {
    return this.row.customerNo < 0 ? null : `c-${this.row.customerNo}`;
  }

  get method(): string {
    return METHODS[this.row.methodCode]!;
  }

  /** The payload object as serialised in this copy's line. */
  get payloadJson(): string {
    const customer = this.row.customerNo < 0 ? 'null' : `"c-${this.row.customerNo}"`;
    if (this.row.reserialised) {
      return `{ "method": "${this.method}", "customer_id": ${customer}, "currency": "${this.currency}", "amount": ${this.amount}, "event_type": "${this.eventType}", "transaction_id": "${this.transactionId}" }`;
    }
    return `{"transaction_id":"${this.transactionId}","event_type":"${this.eventType}","amount":${this.amount},"currency":"${this.currency}","customer_id":${customer},"method":"${this.method}"}`;
  }

  /** The whole JSONL line (no newline). */
  get line(): string {
    const { partitionId, sequenceId } = this.row;
    if (this.row.reserialised) {
      return `{ "payload": ${this.payloadJson}, "created_at": "${this.createdAtIso}", "partition_id": ${partitionId}, "sequence_id": ${sequenceId}, "message_id": "${this.messageId}" }`;
    }
    return `{"message_id":"${this.messageId}","sequence_id":${sequenceId},"partition_id":${partitionId},"created_at":"${this.createdAtIso}","payload":${this.payloadJson}}`;
  }
}
