#!/usr/bin/env node
// `node bin/cli.mjs <command> [args]`: runs scripts/<command>.ts from its bundle under dist/,
// rebuilt first whenever a source changed, so that an edited checkout never runs stale code.
// Commands start from compiled JavaScript because transpiling the TypeScript at every start (tsx)
// cost more than a short command itself; esbuild bundles each command in one file, its npm
// packages left as imports. `node bin/cli.mjs --build` builds only (the install step runs it).
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the repository, so that the bundles' package imports resolve to its node_modules.
const dist = join(root, process.env.DW_DIST_DIR ?? 'dist');
const stampFile = join(dist, 'stamp.json');
const WATCHED = ['src', 'scripts', 'package.json', 'package-lock.json', 'bin/cli.mjs'];

/** The newest modification among the sources and their count (a deletion changes the count). */
function sourceState() {
  let newest = 0;
  let count = 0;
  for (const entry of WATCHED) {
    const path = join(root, entry);
    const files = statSync(path).isDirectory()
      ? readdirSync(path, { recursive: true }).map((file) => join(path, String(file)))
      : [path];
    for (const file of files) {
      const stat = statSync(file);
      if (!stat.isFile()) continue;
      count += 1;
      newest = Math.max(newest, stat.mtimeMs, stat.ctimeMs);
    }
  }
  return `${newest}:${count}`;
}

function commands() {
  return readdirSync(join(root, 'scripts'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => basename(file, '.ts'));
}

function isFresh(state) {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).state === state;
  } catch {
    return false;
  }
}

/** Bundles every command; each file is written under a temporary name and renamed into place. */
async function build(state) {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    entryPoints: commands().map((name) => join(root, 'scripts', `${name}.ts`)),
    outdir: join(dist, 'scripts'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    write: false,
    logLevel: 'error',
  });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  const temporary = `${stampFile}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ state }));
  renameSync(temporary, stampFile);
}

const [command] = process.argv.splice(2, 1);
const state = sourceState();
if (!isFresh(state)) await build(state);
if (command !== '--build') {
  if (command === undefined || !commands().includes(command)) {
    process.stderr.write(`usage: node bin/cli.mjs <${commands().join('|')}> [args]\n`);
    process.exit(2);
  }
  // Stack traces of bugs point into the TypeScript sources, not the bundle.
  process.setSourceMapsEnabled(true);
  const bundle = join(dist, 'scripts', `${command}.mjs`);
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing after the build`);
  await import(pathToFileURL(bundle).href);
}
