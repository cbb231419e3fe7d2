import type { Warehouse } from '../../base/warehouse/open-warehouse.js';
import { quoteLiteral } from '../../base/warehouse/quote.js';
import { readScalar } from '../../base/warehouse/read-scalar.js';
import { landSimulation } from './land-simulation.js';
import { DEFAULT_SIMULATION_OPTIONS } from './simulation-options.js';
import type { SimulationSummary } from './simulation-summary.js';

/**
 * Lands the default simulation (medium scale: 10,000 messages, seed 42) when nothing was ever
 * landed (`raw_messages` and the `raw_loads` ledger absent or empty), for `npm run build-models`'
 * quickstart. Never adds simulated data to a warehouse that holds any landed message. Returns
 * whether it landed and, if so, the summary.
 */
export async function landDefaultSimulationIfEmpty(
  warehouse: Warehouse,
): Promise<{ landed: boolean; summary?: SimulationSummary }> {
  // Anything landed before (an accepted message, or a load whose every line was rejected) means
  // the user has their own data: never mix simulated messages into it.
  for (const table of ['raw_messages', 'raw_loads']) {
    const exists = await readScalar(
      warehouse.connection,
      `select count(*) from information_schema.tables where table_schema = 'main' and table_name = ${quoteLiteral(table)}`,
    );
    if (Number(exists ?? 0) === 0) continue;
    const rows = await readScalar(warehouse.connection, `select exists (select 1 from ${table})`);
    if (rows === true) return { landed: false };
  }
  return { landed: true, summary: await landSimulation(warehouse, DEFAULT_SIMULATION_OPTIONS) };
}
