// The one document `npm run docs` writes for the site (as `data.js`, since a page opened from
// file:// may not fetch a JSON file): everything the pages show, read at generation time.

/** A test of a column or a node, with the status of its last run. */
export interface DocsTestRef {
  readonly id: string;
  readonly name: string;
  readonly status: string | null;
}

export interface DocsColumn {
  readonly name: string;
  /** The type in the warehouse; null when the relation is not built. */
  readonly type: string | null;
  readonly description: string;
  readonly tests: readonly DocsTestRef[];
}

/** A node's last result in `run_results.json`. */
export interface DocsLastRun {
  readonly status: string;
  readonly executionTime: number;
  readonly completedAt: string | null;
  readonly message: string | null;
  readonly failures: number | null;
}

export interface DocsNode {
  readonly id: string;
  readonly name: string;
  readonly resourceType: string;
  readonly packageName: string;
  readonly path: string;
  /** landing, bronze, silver, gold, audit, test, or the node's first folder. */
  readonly layer: string;
  readonly description: string;
  readonly materialized: string | null;
  readonly incrementalStrategy: string | null;
  readonly uniqueKey: string | null;
  readonly tags: readonly string[];
  /** The relation it builds or reads, as SQL names it; null for ephemeral models and tests. */
  readonly relation: string | null;
  readonly rawCode: string | null;
  readonly compiledCode: string | null;
  readonly columns: readonly DocsColumn[];
  readonly rowCount: number | null;
  readonly lastRun: DocsLastRun | null;
  /** For a test: the node it tests, and its column. */
  readonly testOf: string | null;
  readonly columnName: string | null;
  /** Tests of the node itself or of its columns. */
  readonly tests: readonly DocsTestRef[];
}

/** One day of the health series (by the event's partition_date; rejected lines by arrival day). */
export interface DocsHealthDay {
  readonly day: string;
  readonly totalMessages: number;
  readonly uniqueMessages: number;
  readonly duplicateMessages: number;
  readonly lateMessages: number;
  readonly outOfOrderMessages: number;
  readonly missingSequences: number;
  readonly distinctSequences: number;
  readonly payloadConflicts: number;
  readonly duplicateRate: number;
  readonly lateRate: number;
  readonly outOfOrderRate: number;
  readonly missingRate: number;
  readonly conflictRate: number;
}

export interface DocsRejectedDay {
  readonly day: string;
  readonly rejectedLines: number;
  readonly landedMessages: number;
  readonly rejectedRate: number;
}

export interface DocsMetric {
  readonly metric: string;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly status: string;
}

export interface DocsCheck {
  readonly checkName: string;
  /** DECIMAL values as the warehouse printed them, so that nothing is rounded on the way. */
  readonly expected: string | null;
  readonly actual: string | null;
  readonly passed: boolean;
  readonly note: string | null;
}

export interface DocsStreamBatch {
  readonly landedAt: string;
  readonly lag: number | null;
  readonly accepted: number;
}

export interface DocsStream {
  readonly stream: string;
  readonly consumer: string;
  readonly checkpoint: number;
  readonly batches: number;
  readonly landed: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly lag: number | null;
  readonly latencyLastBatch: { p50: number; p95: number; p99: number } | null;
  readonly latencyLastHour: { p50: number; p95: number; p99: number } | null;
  readonly lastLandedAt: string;
  readonly history: readonly DocsStreamBatch[];
}

export interface DocsHealth {
  readonly metrics: readonly DocsMetric[];
  readonly checks: readonly DocsCheck[];
  /** Empty when the relations the series is read from are not all in the warehouse. */
  readonly daily: readonly DocsHealthDay[];
  readonly rejectedDaily: readonly DocsRejectedDay[];
  readonly streams: readonly DocsStream[];
}

/** One run of the runner, from a kept `run_results.json`. */
export interface DocsRun {
  readonly invocationId: string;
  readonly generatedAt: string;
  readonly elapsedSeconds: number;
  readonly command: string;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly nodes: readonly { id: string; status: string; executionTime: number }[];
}

/** One benchmark scale: each strategy's median seconds. */
export interface DocsBenchmark {
  readonly scale: string;
  readonly messages: number;
  readonly date: string;
  readonly machine: string;
  readonly strategies: readonly { name: string; description: string; seconds: number }[];
}

export interface DocsData {
  readonly generatedAt: string;
  readonly projectName: string;
  readonly adapterType: string;
  readonly target: { readonly name: string; readonly schema: string; readonly path: string };
  /** `missing`: no warehouse file; `empty`: nothing of the manifest built; `built` otherwise. */
  readonly warehouse: 'missing' | 'empty' | 'built';
  readonly nodes: readonly DocsNode[];
  /** [parent, child] pairs of unique ids, from the manifest's parent map. */
  readonly edges: readonly (readonly [string, string])[];
  /** Null when the warehouse has no audit_health and audit_reconciliation. */
  readonly health: DocsHealth | null;
  readonly runs: readonly DocsRun[];
  readonly benchmarks: readonly DocsBenchmark[];
}

/** The global `data.js` assigns. */
export const DOCS_DATA_GLOBAL = '__DOCS_DATA__';
