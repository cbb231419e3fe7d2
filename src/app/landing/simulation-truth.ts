/**
 * The ground truth of one run, measured while emitting with the pipeline's definitions, so that
 * the pipeline's counts can be checked against it.
 */
export interface SimulationTruth {
  /** Rows emitted (= options.messages). */
  messages: number;
  /** Distinct keys (message_id, sequence_id, partition_id). */
  unique_messages: number;
  /** messages − unique_messages. */
  redeliveries: number;
  /** Keys with more than one distinct payload content. */
  payload_conflicts: number;
  /** Increase of Σ per partition (max − min + 1 − distinct sequence ids) over the warehouse stream. */
  missing_sequences: number;
  /** Rows whose created_at < (max created_at of all earlier arrivals − watermark). */
  late_messages: number;
  /** First copies whose sequence_id is below that of an earlier first copy in the same partition. */
  out_of_order_messages: number;
  /** Distinct transaction ids among the rows. */
  transactions: number;
  /** Malformed lines written (JSONL output only). */
  malformed_lines: number;
}
