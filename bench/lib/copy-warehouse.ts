import { closeSync, constants, copyFileSync, fsyncSync, openSync } from 'node:fs';

/**
 * Copies a (checkpointed) warehouse file for a run and fsyncs the copy before the run starts.
 *
 * Why: without the fsync, the copy's pages are still dirty in the page cache when the timed run
 * begins, and the run's first commit (DuckDB fsyncs its WAL and file) waits for the kernel to
 * write them all, a wait that grows with the file and would be counted as DuckDB's first write. A
 * warehouse in real use is not a fresh copy.
 */
export function copyWarehouse(from: string, to: string): void {
  copyFileSync(from, to, constants.COPYFILE_FICLONE);
  const fd = openSync(to, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
