// `npm run gen-types [-- --db PATH --out FILE]`: writes the warehouse's relation types for Kysely.
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { writeWarehouseTypes } from '../src/app/explore/kysely/write-warehouse-types.js';
import { WAREHOUSE_TYPES_FILE } from '../src/app/explore/kysely/generate-warehouse-types.js';
import { printInfo } from '../src/base/console/console.js';
import { addTargetFlags, warehouseTarget, type TargetFlags } from './lib/target-flags.js';

runCli(async () => {
  const program = addTargetFlags(
    new Command('gen-types').description(
      'Generate TypeScript types for every table and view of the warehouse (for Kysely).',
    ),
  )
    .option('--out <file>', 'file to write', WAREHOUSE_TYPES_FILE)
    .exitOverride();
  program.parse();
  const opts = program.opts<TargetFlags & { out: string }>();
  const result = await writeWarehouseTypes(warehouseTarget(opts).path, opts.out);
  printInfo(
    `${result.changed ? 'Wrote' : 'Unchanged:'} ${opts.out} (${result.relations} relations).`,
  );
  return 0;
});
