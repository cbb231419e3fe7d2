import { basename } from 'node:path';

/** The name DuckDB gives the catalog of a warehouse file: its name without the extension. */
export function catalogName(path: string): string {
  if (path === ':memory:') return 'memory';
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
