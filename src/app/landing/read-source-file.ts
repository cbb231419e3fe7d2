import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  openSync,
  readSync,
  closeSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { UserError } from '../../base/errors/user-error.js';
import { makeStagingDir } from './staging-dir.js';

/** A file ready for DuckDB to read: its text path (decompressed when gzip), content hash and size. */
export interface SourceFile {
  /** The path as given. */
  readonly path: string;
  /** The file name recorded as `_source`. */
  readonly name: string;
  /** Lower-case hex SHA-256 of the file's bytes as stored (compressed bytes for a .gz file). */
  readonly contentSha256: string;
  readonly bytes: number;
  readonly gzip: boolean;
  /** Path of the uncompressed text (the file itself, or a temporary file for gzip). */
  readonly textPath: string;
  /** Removes the temporary uncompressed copy, if any. Safe to call twice. */
  cleanup(): void;
}

/** Why a file cannot be landed at all, as a message naming it (exit code 1). */
function fileProblem(path: string, error: NodeJS.ErrnoException): UserError {
  switch (error.code) {
    case 'ENOENT':
      return new UserError(`${path}: no such file`, 1, { cause: error });
    case 'EISDIR':
      return new UserError(`${path} is a directory, not a JSONL file`, 1, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new UserError(`${path}: permission denied, cannot read the file`, 1, { cause: error });
    case 'ENOTDIR':
      return new UserError(`${path}: a part of the path is not a directory`, 1, { cause: error });
    default:
      return new UserError(`${path}: cannot read the file (${error.message})`, 1, { cause: error });
  }
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const read = readSync(fd, head, 0, 2, 0);
    return read === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks that `path` is a readable, non-empty regular file, hashes its bytes and, for gzip content
 * (detected by its magic bytes, whatever the extension), decompresses it into a temporary file.
 * Throws a {@link UserError} naming the file when it is missing, a directory, unreadable, empty (0 bytes,
 * or nothing after decompression) or corrupt gzip. An empty file is not landed: an empty export is
 * almost always an upstream failure, and an empty batch would make the next empty file a "replay".
 */
export async function readSourceFile(path: string): Promise<SourceFile> {
  let bytes: number;
  let gzip: boolean;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!stat.isFile()) throw new UserError(`${path} is not a regular file`, 1);
    bytes = stat.size;
    if (bytes === 0) throw new UserError(`${path} is empty (0 bytes): nothing to land`, 1);
    gzip = isGzip(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw fileProblem(path, error as NodeJS.ErrnoException);
  }

  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  let tempDir: string | undefined;
  const cleanup = (): void => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    tempDir = undefined;
  };
  let textPath = path;
  try {
    if (gzip) {
      tempDir = makeStagingDir('landing-gunzip-');
      textPath = join(tempDir, 'content.jsonl');
      await pipeline(createReadStream(path), hashing, createGunzip(), createWriteStream(textPath));
      if (statSync(textPath).size === 0)
        throw new UserError(
          `${path} is empty (no bytes after gzip decompression): nothing to land`,
          1,
        );
    } else {
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    }
  } catch (error) {
    cleanup();
    if (error instanceof UserError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (
      e.code === 'Z_DATA_ERROR' ||
      e.code === 'Z_BUF_ERROR' ||
      /unexpected end of file/i.test(e.message)
    ) {
      throw new UserError(
        `${path}: corrupt or truncated gzip data (${e.message}): nothing landed`,
        1,
        { cause: e },
      );
    }
    throw fileProblem(path, e);
  }
  return {
    path,
    name: basename(path),
    contentSha256: hash.digest('hex'),
    bytes,
    gzip,
    textPath,
    cleanup,
  };
}
