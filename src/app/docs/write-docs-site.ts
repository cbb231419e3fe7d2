import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPOSITORY_ROOT } from '../../base/files/repository-root.js';
import { writeFileAtomic } from '../../base/files/write-file-atomic.js';
import { DOCS_DATA_GLOBAL, type DocsData } from './site/docs-data.js';

/** The site's browser code, bundled with its libraries at generation time (nothing from a CDN). */
const SITE_ENTRY = join(REPOSITORY_ROOT, 'src', 'app', 'docs', 'site', 'main.ts');

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function indexHtml(data: DocsData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.projectName)} · docs</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/app.css">
</head>
<body>
<div id="app"><noscript>This site needs JavaScript.</noscript></div>
<script src="data.js"></script>
<script src="assets/app.js"></script>
</body>
</html>
`;
}

/**
 * Writes the static site into `outDir` (replacing what was there): `index.html`, the bundled
 * `assets/app.js` and `assets/app.css`, and `data.js`. Plain script tags and no fetch, so the site
 * works from file:// as well as served.
 */
export async function writeDocsSite(data: DocsData, outDir: string): Promise<void> {
  const bundle = await build({
    entryPoints: { app: SITE_ENTRY },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'linked',
    outdir: join(outDir, 'assets'),
    write: false,
    logLevel: 'error',
  });
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  for (const file of bundle.outputFiles) writeFileAtomic(file.path, file.text);
  // `<` escaped so that no text of the project can end a script element if the file is inlined.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  writeFileAtomic(join(outDir, 'data.js'), `window.${DOCS_DATA_GLOBAL} = ${json};\n`);
  writeFileAtomic(join(outDir, 'index.html'), indexHtml(data));
}
