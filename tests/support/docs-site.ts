/** Writes a project's docs site in this process and reads back what the site was made from. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { docsDir, runDocsCommand } from '../../src/app/docs/run-docs.js';
import { createProjectValueRenderer } from '../../src/engine/compile/render-project-value.js';
import { resolveTarget } from '../../src/engine/project/profiles.js';
import { captureConsole } from './console-capture.js';

/** Runs `npm run docs` for the project in-process; returns what it printed and the site's file URL. */
export async function writeDocs(
  projectDir: string,
  dbPath: string,
): Promise<{ output: string; url: string }> {
  const captured = captureConsole();
  let code: number;
  try {
    const target = resolveTarget({
      projectDir,
      dbPath,
      renderValue: createProjectValueRenderer({ cliVars: {} }),
    });
    code = await runDocsCommand({ projectDir, target, serve: null });
  } finally {
    captured.restore();
  }
  if (code !== 0) throw new Error(`docs exited ${code}:\n${captured.all}`);
  return { output: captured.all, url: pathToFileURL(join(docsDir(projectDir), 'index.html')).href };
}

/** The manifest's node and source ids (unit tests are not drawn) and its parent → child edges. */
export function manifestGraph(projectDir: string): { ids: string[]; edges: string[] } {
  const manifest = JSON.parse(
    readFileSync(join(projectDir, 'target', 'manifest.json'), 'utf8'),
  ) as {
    nodes: Record<string, { resource_type: string }>;
    sources: Record<string, unknown>;
    parent_map: Record<string, string[]>;
  };
  const ids = [
    ...Object.entries(manifest.nodes)
      .filter(([, node]) => node.resource_type !== 'unit_test')
      .map(([id]) => id),
    ...Object.keys(manifest.sources),
  ].sort();
  const known = new Set(ids);
  const edges = Object.entries(manifest.parent_map)
    .filter(([child]) => known.has(child))
    .flatMap(([child, parents]) => parents.map((parent) => `${parent}->${child}`))
    .sort();
  return { ids, edges };
}
