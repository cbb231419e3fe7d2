import type { StrategyName } from '../lib/bench-task.js';

/** What each strategy measures, one line each (the results JSON and README.md's benchmark section use these). */
export const JOB_DESCRIPTIONS: Readonly<Record<StrategyName, string>> = {
  simulate: 'simulator: generate and land the arrivals (raw_messages)',
  eager: 'eager dedup at ingestion: TypeScript sha256 + Set in front of an Appender',
  bronze: 'bronze_events append: both SHA-256 hashes and partition_date',
  window: 'silver_events ROW_NUMBER dedup with the watermark, plus silver_late_events',
  merge: 'silver_transactions MERGE INTO upsert (current state per transaction)',
  naive: 'naive SQL peer: the whole job with QUALIFY row_number() over wide rows, hex hashes',
  build: 'full build: every model, audits and data tests, from landed data',
  incremental: 'incremental build after landing 1% more arrivals',
};
