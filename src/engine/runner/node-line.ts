import { colors } from '../../base/console/console.js';
import type { NodeResult } from '../artifacts/node-result.js';

const WIDTH = 80;

function clock(date = new Date()): string {
  return date.toISOString().slice(11, 19);
}

function seconds(value: number): string {
  return `${value.toFixed(2)}s`;
}

/** dbt's verbs for a node that succeeded and one that failed. */
const VERBS: Readonly<Record<string, readonly [string, string]>> = {
  model: ['created', 'creating'],
  seed: ['loaded', 'loading'],
  snapshot: ['snapshotted', 'snapshotting'],
};

/** What the node line says about the node (`created sql table model main.orders`). */
function describe(result: NodeResult): { verb: string; status: string; detail: string } {
  const relation = result.relationName?.replaceAll('"', '') ?? result.name;
  const time = seconds(result.executionTime);
  if (result.resourceType === 'test' || result.resourceType === 'unit_test') {
    const failures = result.failures ?? 0;
    switch (result.status) {
      case 'pass':
        return {
          verb: `PASS ${result.name}`,
          status: colors.green('PASS'),
          detail: `[${colors.green('PASS')} in ${time}]`,
        };
      case 'warn':
        return {
          verb: `WARN ${failures} ${result.name}`,
          status: 'WARN',
          detail: `[${colors.yellow(`WARN ${failures}`)} in ${time}]`,
        };
      case 'fail':
        return {
          verb: `FAIL ${failures} ${result.name}`,
          status: 'FAIL',
          detail: `[${colors.red(`FAIL ${failures}`)} in ${time}]`,
        };
      case 'skipped':
        return {
          verb: `SKIP test ${result.name}`,
          status: 'SKIP',
          detail: `[${colors.yellow('SKIP')}]`,
        };
      default:
        return {
          verb: `ERROR ${result.name}`,
          status: 'ERROR',
          detail: `[${colors.red('ERROR')} in ${time}]`,
        };
    }
  }
  const what =
    result.resourceType === 'seed'
      ? `seed file ${relation}`
      : result.resourceType === 'snapshot'
        ? `snapshot ${relation}`
        : `sql ${result.kind} model ${relation}`;
  const [done, doing] = VERBS[result.resourceType] ?? VERBS['model']!;
  switch (result.status) {
    case 'success':
      return {
        verb: `${colors.green('OK')} ${done} ${what}`,
        status: 'OK',
        detail: `[${colors.green(result.message)} in ${time}]`,
      };
    case 'skipped':
      return {
        verb: `${colors.yellow('SKIP')} relation ${relation}`,
        status: 'SKIP',
        detail: `[${colors.yellow('SKIP')}]`,
      };
    default:
      return {
        verb: `${colors.red('ERROR')} ${doing} ${what}`,
        status: 'ERROR',
        detail: `[${colors.red('ERROR')} in ${time}]`,
      };
  }
}

/** One dbt-style line per finished node: `12:00:01  3 of 9 OK created sql table model main.x .... [SELECT 3 in 0.10s]`. */
export function formatNodeLine(result: NodeResult, index: number, total: number): string {
  const { verb, detail } = describe(result);
  const head = `${clock()}  ${index} of ${total} ${verb} `;
  // Pad with dots to a fixed width (colour codes do not count).
  const visible = head.replace(/\u001b\[[0-9;]*m/g, '').length;
  return `${head}${'.'.repeat(Math.max(3, WIDTH - visible))} ${detail}`;
}

/** Counts for the final `Done.` line. */
export function summarize(results: readonly NodeResult[]): {
  pass: number;
  warn: number;
  error: number;
  skip: number;
  total: number;
} {
  let pass = 0;
  let warn = 0;
  let error = 0;
  let skip = 0;
  for (const result of results) {
    if (result.status === 'success' || result.status === 'pass') pass++;
    else if (result.status === 'warn') warn++;
    else if (result.status === 'skipped') skip++;
    else error++;
  }
  return { pass, warn, error, skip, total: results.length };
}

/** `Done. PASS=7 WARN=1 ERROR=0 SKIP=0 TOTAL=8`. */
export function formatSummary(results: readonly NodeResult[]): string {
  const s = summarize(results);
  return `Done. PASS=${s.pass} WARN=${s.warn} ERROR=${s.error} SKIP=${s.skip} TOTAL=${s.total}`;
}

export { clock };
