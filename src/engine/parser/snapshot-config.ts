import type {
  SnapshotColumnNames,
  SnapshotConfig,
  SnapshotStrategy,
} from '../graph/node-config.js';
import type { ProjectIssue } from '../project/project-issue.js';

const HARD_DELETES = ['ignore', 'invalidate', 'new_record'] as const;

const META_COLUMNS: Readonly<Record<string, keyof SnapshotColumnNames>> = {
  dbt_valid_from: 'dbtValidFrom',
  dbt_valid_to: 'dbtValidTo',
  dbt_scd_id: 'dbtScdId',
  dbt_updated_at: 'dbtUpdatedAt',
  dbt_is_deleted: 'dbtIsDeleted',
};

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'))
    return value as string[];
  return undefined;
}

function strategyOf(
  config: Readonly<Record<string, unknown>>,
  problem: (message: string) => undefined,
): SnapshotStrategy | undefined {
  const strategy = config['strategy'];
  const updatedAt = typeof config['updated_at'] === 'string' ? config['updated_at'] : undefined;
  if (strategy === 'timestamp') {
    if (!updatedAt)
      return problem(
        'the timestamp strategy needs updated_at: the column that says when a row changed',
      );
    return { kind: 'timestamp', updatedAt };
  }
  if (strategy === 'check') {
    const checkCols = config['check_cols'];
    if (checkCols === 'all') return { kind: 'check', checkCols: 'all', updatedAt };
    const list = stringList(checkCols);
    if (!list) return problem('the check strategy needs check_cols: a list of columns, or "all"');
    return { kind: 'check', checkCols: list, updatedAt };
  }
  return problem(`strategy must be timestamp or check (got ${JSON.stringify(strategy ?? null)})`);
}

function hardDeletesOf(
  config: Readonly<Record<string, unknown>>,
  problem: (message: string) => undefined,
): SnapshotConfig['hardDeletes'] | undefined {
  const value = config['hard_deletes'];
  if (value === undefined || value === null)
    return config['invalidate_hard_deletes'] === true ? 'invalidate' : 'ignore';
  if ((HARD_DELETES as readonly unknown[]).includes(value))
    return value as SnapshotConfig['hardDeletes'];
  return problem(
    `hard_deletes must be one of ${HARD_DELETES.join(', ')} (got ${JSON.stringify(value)})`,
  );
}

function columnNamesOf(
  config: Readonly<Record<string, unknown>>,
  problem: (message: string) => undefined,
): SnapshotColumnNames | undefined {
  const names: Record<keyof SnapshotColumnNames, string> = {
    dbtValidFrom: 'dbt_valid_from',
    dbtValidTo: 'dbt_valid_to',
    dbtScdId: 'dbt_scd_id',
    dbtUpdatedAt: 'dbt_updated_at',
    dbtIsDeleted: 'dbt_is_deleted',
  };
  const given = config['snapshot_meta_column_names'];
  if (given === undefined || given === null) return names;
  if (typeof given !== 'object' || Array.isArray(given))
    return problem(
      'snapshot_meta_column_names must be a mapping such as {dbt_valid_from: valid_from}',
    );
  for (const [key, value] of Object.entries(given)) {
    const field = META_COLUMNS[key];
    if (!field)
      return problem(
        `snapshot_meta_column_names has an unknown key "${key}" (use ${Object.keys(META_COLUMNS).join(', ')})`,
      );
    if (typeof value !== 'string' || value === '')
      return problem(`snapshot_meta_column_names.${key} must be a column name`);
    names[field] = value;
  }
  return names;
}

/**
 * A snapshot's config as dbt reads it (`strategy`, `unique_key`, `updated_at`, `check_cols`,
 * `hard_deletes` or `invalidate_hard_deletes`, `dbt_valid_to_current`,
 * `snapshot_meta_column_names`); reports what is missing or wrong, naming the snapshot and its
 * file, and returns undefined.
 */
export function resolveSnapshotConfig(
  name: string,
  file: string,
  line: number | undefined,
  config: Readonly<Record<string, unknown>>,
  issues: ProjectIssue[],
): SnapshotConfig | undefined {
  const problem = (message: string): undefined => {
    issues.push({ file, line, message: `snapshot "${name}": ${message}` });
    return undefined;
  };
  const uniqueKey = stringList(config['unique_key']);
  if (!uniqueKey)
    return problem('unique_key is required: the column (or columns) that identify a row');
  const strategy = strategyOf(config, problem);
  const hardDeletes = hardDeletesOf(config, problem);
  const columns = columnNamesOf(config, problem);
  if (!strategy || !hardDeletes || !columns) return undefined;
  const current = config['dbt_valid_to_current'];
  if (current !== undefined && current !== null && typeof current !== 'string')
    return problem(
      'dbt_valid_to_current must be a SQL expression such as "\'9999-12-31\'::timestamp"',
    );
  return {
    uniqueKey,
    strategy,
    hardDeletes,
    validToCurrent: typeof current === 'string' ? current : undefined,
    columns,
  };
}
