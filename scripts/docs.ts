// `npm run docs [-- --serve [PORT]] [--project-dir DIR] [--db PATH | --target NAME]`: writes the
// lineage and health site to target/docs/ from the artifacts and the warehouse.
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { runDocsCommand } from '../src/app/docs/run-docs.js';
import { addTargetFlags, warehouseTarget, type TargetFlags } from './lib/target-flags.js';

// dbt serves its docs on 8080.
const DEFAULT_PORT = 8080;

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('expected a port number (0 to 65535; 0 picks a free one).');
  return Number(value);
}

runCli(async () => {
  const program = addTargetFlags(
    new Command('docs').description(
      'Write a lineage and health site to target/docs/ (works from file://); --serve serves it on loopback.',
    ),
  )
    .option(
      '--serve [port]',
      `serve the site on 127.0.0.1 (default port ${DEFAULT_PORT})`,
      parsePort,
    )
    .exitOverride();
  program.parse();
  const opts = program.opts<TargetFlags & { serve?: number | true }>();
  const projectDir = resolve(opts.projectDir ?? process.cwd());
  const serve = opts.serve === undefined ? null : opts.serve === true ? DEFAULT_PORT : opts.serve;
  const untilStopped = new Promise((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  return runDocsCommand({
    projectDir,
    target: warehouseTarget(opts, projectDir),
    serve,
    untilStopped,
  });
});
