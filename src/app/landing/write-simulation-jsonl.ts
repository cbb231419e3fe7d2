import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { UserError } from '../../base/errors/user-error.js';
import type { ProgressListener } from './progress-listener.js';
import { resolveSimulationOptions } from './resolve-simulation-options.js';
import type { SimulationOptions } from './simulation-options.js';
import { CHUNK_ROWS } from './simulation-staging.js';
import { SimulationStream } from './simulation-stream.js';
import type { SimulationSummary } from './simulation-summary.js';
import { EMPTY_STREAM_STATE } from './stream-state.js';

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * Writes a simulation as JSONL to `path` (gzip when it ends in `.gz`), without a warehouse: the
 * stream starts at `options.startMs` with sequences from 1. Same options → byte-identical file.
 */
export async function writeSimulationJsonl(
  path: string,
  requested: Partial<SimulationOptions> = {},
  onProgress?: ProgressListener,
): Promise<SimulationSummary> {
  const options = resolveSimulationOptions(requested);
  const startedAt = Date.now();
  const file = createWriteStream(path);
  const gzip = path.endsWith('.gz') ? createGzip() : undefined;
  if (gzip) gzip.pipe(file);
  const out: Writable = gzip ?? file;
  const finished = once(file, 'close');
  const failed = new Promise<never>((_, reject) => {
    file.once('error', (cause: Error) =>
      reject(new UserError(`${path}: cannot write (${cause.message})`, 1, { cause })),
    );
  });
  const hash = createHash('sha256');
  const stream = new SimulationStream(options, EMPTY_STREAM_STATE);
  const work = (async () => {
    while (!stream.done) {
      const lines: string[] = [];
      const n = stream.fill(
        CHUNK_ROWS,
        (m) => lines.push(m.line),
        (bad) => lines.push(bad),
      );
      if (n === 0) break;
      const text = lines.join('\n') + '\n';
      hash.update(text);
      await write(out, text);
      onProgress?.(stream.truth.messages, options.messages);
    }
    out.end();
    await finished;
  })();
  await Promise.race([work, failed]);
  return {
    options,
    truth: { ...stream.truth },
    contentSha256: hash.digest('hex'),
    seconds: (Date.now() - startedAt) / 1000,
  };
}
