import { closeSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStagingDir } from './staging-dir.js';

/** The default size of a piece: 64 MiB of text (about 250,000 typical messages). */
export const DEFAULT_PIECE_BYTES = 64 * 1024 * 1024;

/** One piece of a text file: whole lines only, and the number of its first line in the file. */
export interface TextPiece {
  /** A file holding the piece (the text file itself when it is one piece). */
  readonly path: string;
  /** The file's line number of the piece's first line (1-based). */
  readonly firstLine: number;
  /** True for the first piece (where a byte-order mark may start the file). */
  readonly first: boolean;
}

function countNewlines(bytes: Buffer, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1 && at < end; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}

/**
 * Cuts the text file at `path` into pieces of about `pieceBytes` that end at a newline (a line
 * longer than that makes its piece longer), yielding each as a temporary file with its first line
 * number, so that a file of any size is read in bounded memory. A file no larger than `pieceBytes`
 * is yielded as it is. A piece's file is removed once the consumer asks for the next one (or stops).
 * Cutting after a newline byte never splits a UTF-8 character.
 */
export async function* splitAtNewlines(
  path: string,
  pieceBytes = DEFAULT_PIECE_BYTES,
): AsyncGenerator<TextPiece> {
  if (statSync(path).size <= pieceBytes) {
    yield { path, firstLine: 1, first: true };
    return;
  }
  const dir = makeStagingDir('landing-pieces-');
  const fd = openSync(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(pieceBytes);
    let filled = 0;
    let firstLine = 1;
    let index = 0;
    let eof = false;
    for (;;) {
      while (!eof && filled < buffer.length) {
        const read = readSync(fd, buffer, filled, buffer.length - filled, null);
        if (read === 0) eof = true;
        else filled += read;
      }
      if (filled === 0) break;
      const lastNewline = eof ? filled - 1 : buffer.lastIndexOf(10, filled - 1);
      if (lastNewline === -1) {
        // no newline in a whole buffer: one very long line, so read on
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
        continue;
      }
      const cut = lastNewline + 1;
      const piece = join(dir, `piece-${index}.jsonl`);
      writeFileSync(piece, buffer.subarray(0, cut));
      yield { path: piece, firstLine, first: index === 0 };
      rmSync(piece, { force: true });
      index++;
      firstLine += countNewlines(buffer, cut);
      buffer.copy(buffer, 0, cut, filled);
      filled -= cut;
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
