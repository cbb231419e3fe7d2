/**
 * One emitted row as the generator's numbers: a copy of a message in one of its serialisations.
 * The strings (ids, timestamps, payload JSON) are built from these numbers by whoever needs them:
 * `EmittedMessage` for JSONL, DuckDB for landing.
 */
export interface SimulatedRow {
  /** 1-based position in the run. */
  ordinal: number;
  /** The message's number in the run: its id is `${runTag}-m${messageNo}`. */
  messageNo: number;
  sequenceId: number;
  partitionId: number;
  createdAtMs: number;
  /** The transaction's number in the run: its id is `${runTag}-t${transactionNo}`. */
  transactionNo: number;
  /** Index into `EVENT_TYPES`. */
  eventTypeCode: number;
  /** Amount in cents as written (a conflicting copy has another amount). */
  amountCents: number;
  /** Index into `CURRENCIES`. */
  currencyCode: number;
  /** Customer number (`c-${n}`), or -1 for a null customer. */
  customerNo: number;
  /** Index into `METHODS`. */
  methodCode: number;
  /** True for a copy written with other key order and spacing. */
  reserialised: boolean;
}

/**
 * Receives each emitted row. The stream hands every row in the same object, refilled, so that
 * landing allocates nothing per row: read it during the call and copy what is kept.
 */
export type RowSink = (row: Readonly<SimulatedRow>) => void;
