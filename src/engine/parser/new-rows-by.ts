import type { RelationNode } from '../graph/graph-node.js';

const APPEND_ONLY =
  "new_rows_by needs a relation that only grows by appends (a source, or an incremental model with incremental_strategy 'append')";

/**
 * Why a test's `new_rows_by` config cannot be honoured on `target`, or undefined when it can (or is
 * not set). Checking only new rows is sound only on relations that grow by appends: sources, and
 * incremental models with the `append` strategy.
 */
export function newRowsByProblem(
  value: unknown,
  target: RelationNode,
  where: unknown,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z_]\w*$/.test(value))
    return `new_rows_by must name one column, got ${JSON.stringify(value)}`;
  // A filter may read other tables or the clock, so rows it hid when checked can enter it later.
  if (where !== undefined && where !== null && where !== '')
    return 'new_rows_by cannot be combined with where: rows the filter hides when a checkpoint is recorded could enter it later and never be checked';
  if (target.resourceType === 'source') return undefined;
  if (target.resourceType === 'seed')
    return `${APPEND_ONLY}; ${target.name} is a seed, reloaded on every build`;
  if (target.materialized !== 'incremental')
    return `${APPEND_ONLY}; ${target.name} is materialized as ${target.materialized}`;
  const strategy = target.resolved.incrementalStrategy;
  if (strategy === 'append') return undefined;
  return `${APPEND_ONLY}; ${target.name} is an incremental model with the ${strategy} strategy`;
}
