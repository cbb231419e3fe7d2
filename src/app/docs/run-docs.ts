import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { printInfo, printLine } from '../../base/console/console.js';
import type { WarehouseTarget } from '../../engine/project/profiles.js';
import { collectDocsData } from './collect-docs-data.js';
import { serveDocs } from './serve-docs.js';
import { writeDocsSite } from './write-docs-site.js';

export interface DocsCommandOptions {
  readonly projectDir: string;
  readonly target: WarehouseTarget;
  /** Serve the site on this loopback port after writing it (0: a free one); null: do not. */
  readonly serve: number | null;
  /** Resolves when a server should stop (the CLI: SIGINT or SIGTERM). */
  readonly untilStopped?: Promise<unknown>;
}

/** The folder the site is written to, dbt's `target/` beside the artifacts it is made from. */
export const docsDir = (projectDir: string): string => join(projectDir, 'target', 'docs');

/** Runs `npm run docs`: writes the site, then serves it until stopped when asked to. */
export async function runDocsCommand(options: DocsCommandOptions): Promise<number> {
  const data = await collectDocsData(options);
  const outDir = docsDir(options.projectDir);
  await writeDocsSite(data, outDir);
  const shown = relative(process.cwd(), outDir) || '.';
  printLine(
    `wrote ${shown}/ (${data.nodes.length} nodes, ${data.edges.length} edges, ${data.runs.length} runs; warehouse ${data.warehouse})`,
  );
  if (options.serve === null) {
    printLine(`open ${pathToFileURL(join(outDir, 'index.html')).href}`);
    return 0;
  }
  const server = await serveDocs(outDir, options.serve);
  printLine(`serving the docs at ${server.url} (Ctrl-C stops)`);
  await (options.untilStopped ?? new Promise(() => {}));
  await server.close();
  printInfo('docs server stopped');
  return 0;
}
