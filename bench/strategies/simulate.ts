import { landSimulation } from '../../src/app/landing/land-simulation.js';
import { openWarehouse } from '../../src/base/warehouse/open-warehouse.js';
import { countRows } from './count-rows.js';
import type { Job } from './job.js';

/**
 * The simulator itself (`npm run simulate`'s library call): generate the scale's messages with the
 * default chaos rates and land them into a new warehouse, timed from opening the warehouse to the
 * committed batch.
 */
export const simulateJob: Job = {
  name: 'simulate',
  async run(context, timer) {
    const summary = await timer.time(async () => {
      const warehouse = await openWarehouse(context.dbPath, context.settings);
      try {
        return await landSimulation(warehouse, { messages: context.messages, seed: context.seed });
      } finally {
        warehouse.close();
      }
    });
    const recordsOut = await landedRows(context.dbPath, context.settings);
    return {
      recordsIn: summary.truth.messages,
      recordsOut,
      details: {
        unique_messages: summary.truth.unique_messages,
        redeliveries: summary.truth.redeliveries,
        late_messages: summary.truth.late_messages,
        payload_conflicts: summary.truth.payload_conflicts,
      },
    };
  },
};

/**
 * Lands 1% more arrivals continuing the same stream (the simulator starts after the warehouse's
 * newest event and each partition's highest sequence id), with the next seed so the content is
 * new. Prepares the incremental run; its time is kept in the results but not judged.
 */
export const landMoreJob: Job = {
  name: 'land-more',
  async run(context, timer) {
    const before = await landedRows(context.dbPath, context.settings);
    await timer.time(async () => {
      const warehouse = await openWarehouse(context.dbPath, context.settings);
      try {
        await landSimulation(warehouse, { messages: context.messages, seed: context.seed + 1 });
      } finally {
        warehouse.close();
      }
    });
    const after = await landedRows(context.dbPath, context.settings);
    return { recordsIn: context.messages, recordsOut: after - before };
  },
};

async function landedRows(
  dbPath: string,
  settings: Parameters<typeof openWarehouse>[1],
): Promise<number> {
  const warehouse = await openWarehouse(dbPath, settings);
  try {
    return await countRows(warehouse.connection, 'raw_messages');
  } finally {
    warehouse.close();
  }
}
