// `npm run load -- FILE... [--replay] [--db PATH]`: lands JSONL files (plain or gzip), one batch per file.
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { formatLoadResult } from '../src/app/landing/format-load-result.js';
import { loadFiles } from '../src/app/landing/load-file.js';
import { printError, printLine } from '../src/base/console/console.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { addTargetFlags, warehouseTarget, type TargetFlags } from './lib/target-flags.js';

runCli(async () => {
  const program = addTargetFlags(
    new Command('load').description(
      'Land JSONL message files (.jsonl or .jsonl.gz) into raw_messages, one transaction per file.',
    ),
  )
    .argument('<files...>', 'files to land, in arrival order')
    .option('--replay', 'land files whose content was already landed again, on purpose', false)
    .exitOverride();
  program.parse();
  const opts = program.opts<TargetFlags & { replay: boolean }>();
  const target = warehouseTarget(opts);
  const results = await withWarehouse(target.path, { settings: target.settings }, (warehouse) =>
    loadFiles(warehouse, program.args, { replay: opts.replay }),
  );
  for (const result of results) {
    if (result.status === 'landed') printLine(formatLoadResult(result));
    else printError(result.message);
  }
  const notLanded = results.filter((r) => r.status !== 'landed').length;
  if (results.length > 1) {
    printLine(
      `${results.length - notLanded} of ${results.length} files landed${notLanded ? `, ${notLanded} not landed (see above)` : ''}.`,
    );
  }
  return notLanded > 0 ? 1 : 0;
});
