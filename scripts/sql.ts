// `npm run sql -- [QUERY] [-f FILE] [--format F] [--max-rows N] [--output FILE] [--write] [--db PATH]`
import { Command, InvalidArgumentError, Option } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../src/app/explore/sql/format-result.js';
import { runSqlCommand } from '../src/app/explore/sql/sql-command.js';
import { addTargetFlags, warehouseTarget, type TargetFlags } from './lib/target-flags.js';

// "all" (or 0) is kept as the string 'all': commander turns a parser's null into ''.
function parseMaxRows(value: string): number | 'all' {
  if (value === 'all') return 'all';
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number or "all".');
  return Number(value) === 0 ? 'all' : Number(value);
}

// A query that opens with a `--` comment would read as an unknown option: an option name never has
// white space after its dashes, so such arguments are passed after the end-of-options marker.
function withQueriesLast(args: readonly string[]): string[] {
  const isQuery = (arg: string): boolean => /^--?\s/.test(arg);
  const queries = args.filter(isQuery);
  if (queries.length === 0) return [...args];
  const rest = args.filter((arg) => !isQuery(arg));
  return rest.includes('--') ? [...rest, ...queries] : [...rest, '--', ...queries];
}

runCli(async () => {
  const program = new Command('sql')
    .description(
      'Run SQL against the warehouse (read-only unless --write); no query opens a prompt.',
    )
    .argument('[query]', 'SQL to run: one statement or several separated by ;')
    .option('-f, --file <file>', 'run the SQL in this file')
    .addOption(
      new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'),
    )
    .option(
      '--max-rows <n>',
      'rows shown per result, or "all" (default: 40 for table/markdown, all for csv/json)',
      parseMaxRows,
    )
    .option('-o, --output <file>', 'write results to this file instead of stdout')
    .option('--write', 'open the warehouse for writing (default: read-only)', false)
    .exitOverride();
  addTargetFlags(program);
  program.parse(withQueriesLast(process.argv.slice(2)), { from: 'user' });
  const opts = program.opts<
    TargetFlags & {
      file?: string;
      format: OutputFormat;
      maxRows?: number | 'all';
      output?: string;
      write: boolean;
    }
  >();
  const query = program.args[0];
  const target = warehouseTarget(opts);
  return runSqlCommand({
    dbPath: target.path,
    schema: target.schema,
    query,
    file: opts.file,
    format: opts.format,
    maxRows: opts.maxRows === 'all' ? null : opts.maxRows,
    output: opts.output,
    write: opts.write,
  });
});
