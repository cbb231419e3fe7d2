// npx tsx bench/write-docs.ts [--results-dir bench/results] [--out README.md]
// Rewrites the generated part of README.md's benchmark section (between its markers) from bench/results/*.json
// (the <scale>.json of `npm run bench` and the floors-<scale>.json of `npm run bench:floors`);
// the hand-written text around the markers is kept. Creates the file when it does not exist.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { UserError } from '../src/base/errors/user-error.js';
import { printInfo } from '../src/base/console/console.js';
import { readAllFloors } from './lib/floors.js';
import { REPO_ROOT, readAllResults } from './lib/run-bench.js';
import { GENERATED_END, GENERATED_START, renderBenchMarkdown } from './report/bench-markdown.js';

async function main(): Promise<number> {
  const program = new Command('write-docs')
    .description('Rewrite the benchmark numbers in README.md from bench/results/*.json.')
    .option(
      '--results-dir <dir>',
      'where the <scale>.json files are',
      join(REPO_ROOT, 'bench', 'results'),
    )
    .option('--out <file>', 'the Markdown file to update', join(REPO_ROOT, 'README.md'))
    .exitOverride();
  program.parse(process.argv);
  const opts = program.opts<{ resultsDir: string; out: string }>();
  const generated = `${GENERATED_START}\n${renderBenchMarkdown(readAllResults(opts.resultsDir), readAllFloors(opts.resultsDir))}\n${GENERATED_END}`;
  let text: string;
  if (existsSync(opts.out)) {
    const current = readFileSync(opts.out, 'utf8');
    const start = current.indexOf(GENERATED_START);
    const end = current.indexOf(GENERATED_END);
    if (start < 0 || end < start) {
      throw new UserError(
        `${opts.out}: no generated section (add the lines ${GENERATED_START} and ${GENERATED_END})`,
        2,
      );
    }
    text = current.slice(0, start) + generated + current.slice(end + GENERATED_END.length);
  } else {
    mkdirSync(dirname(opts.out), { recursive: true });
    text = `## Benchmarks\n\n${generated}\n`;
  }
  writeFileSync(opts.out, text);
  printInfo(`wrote ${opts.out}`);
  return 0;
}

runCli(main);
