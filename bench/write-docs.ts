// npx tsx bench/write-docs.ts [--results-dir bench/results] [--out README.md]
// Rewrites the generated part of README.md's benchmark section (between its markers) from bench/results/*.json
// (the <scale>.json of `npm run bench` and the floors-<scale>.json of `npm run bench:floors`), and the
// streaming table between its own markers from stream.json (`npm run bench:stream`) when there is one;
// the hand-written text around the markers is kept. Creates the file when it does not exist.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { UserError } from '../src/base/errors/user-error.js';
import { printInfo } from '../src/base/console/console.js';
import { readAllFloors } from './lib/floors.js';
import { REPO_ROOT, readAllResults } from './lib/run-bench.js';
import type { StreamBenchResult } from './lib/stream-result.js';
import { GENERATED_END, GENERATED_START, renderBenchMarkdown } from './report/bench-markdown.js';
import { STREAM_END, STREAM_START, renderStreamSummary } from './report/stream-markdown.js';

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
    text = replaceSection(
      readFileSync(opts.out, 'utf8'),
      opts.out,
      GENERATED_START,
      GENERATED_END,
      generated,
    );
  } else {
    mkdirSync(dirname(opts.out), { recursive: true });
    text = `## Benchmarks\n\n${generated}\n`;
  }
  const stream = join(opts.resultsDir, 'stream.json');
  if (existsSync(stream)) {
    if (!text.includes(STREAM_START) && !existsSync(opts.out))
      text += `\n## Streaming\n\n${STREAM_START}\n${STREAM_END}\n`;
    const result = JSON.parse(readFileSync(stream, 'utf8')) as StreamBenchResult;
    const table = `${STREAM_START}\n${renderStreamSummary(result)}\n${STREAM_END}`;
    text = replaceSection(text, opts.out, STREAM_START, STREAM_END, table);
  }
  writeFileSync(opts.out, text);
  printInfo(`wrote ${opts.out}`);
  return 0;
}

/** `current` with the text between `start` and `end` (markers included) replaced by `generated`. */
function replaceSection(
  current: string,
  file: string,
  start: string,
  end: string,
  generated: string,
): string {
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  if (from < 0 || to < from) {
    throw new UserError(`${file}: no generated section (add the lines ${start} and ${end})`, 2);
  }
  return current.slice(0, from) + generated + current.slice(to + end.length);
}

runCli(main);
