import { canonicalWarehousePath } from '../../base/warehouse/canonical-path.js';
import { WarehouseError } from '../../base/warehouse/warehouse-error.js';

/** Warehouse files a build of this process is using (canonical paths). */
const claimed = new Set<string>();

/**
 * Claims a warehouse file for one build of this process; returns the release function.
 *
 * DuckDB's file lock keeps other processes out, but not a second DuckDB instance in the same
 * process: two concurrent `runProject` calls on one file would both write it. The second claim
 * fails at once with a {@link WarehouseError} (`busy`), like a second process would.
 * `:memory:` is never shared, so it is never claimed.
 */
export function claimWarehouse(path: string): () => void {
  if (path === ':memory:') return () => {};
  const key = canonicalWarehousePath(path);
  if (claimed.has(key)) {
    throw new WarehouseError(
      `Warehouse ${path} is in use by another build in this process: only one build may use it at a time. ` +
        'Wait for that build to finish, then try again.',
      'busy',
    );
  }
  claimed.add(key);
  return () => {
    claimed.delete(key);
  };
}
