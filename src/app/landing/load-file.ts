import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../../base/errors/user-error.js';
import { isInteractive, printInfo } from '../../base/console/console.js';
import type { Warehouse } from '../../base/warehouse/open-warehouse.js';
import { inTransaction } from '../../base/warehouse/in-transaction.js';
import { quoteLiteral } from '../../base/warehouse/quote.js';
import { readScalar } from '../../base/warehouse/read-scalar.js';
import { ensureLandingTables } from './landing-schema.js';
import { findLandedContent, nextBatch, recordLoad, timestampLiteral } from './ledger.js';
import { validateLinesSql } from './message-contract.js';
import { readSourceFile } from './read-source-file.js';
import { splitAtNewlines } from './split-at-newlines.js';

/** Options of {@link loadFiles}. */
export interface LoadOptions {
  /** Land a file again although its content was already landed (default `false`: refuse it). */
  readonly replay?: boolean;
  /** Bytes of text read at a time, in whole lines (default 64 MiB): bounds memory. */
  readonly pieceBytes?: number;
}

/** What happened to one file. `landed` includes a file whose every line was rejected. */
export type LoadFileResult =
  | {
      readonly status: 'landed';
      readonly path: string;
      readonly batchId: number;
      readonly linesRead: number;
      readonly accepted: number;
      readonly rejected: number;
      readonly blank: number;
      readonly firstOffset: number | null;
      readonly lastOffset: number | null;
      readonly replayOf: number | null;
      readonly seconds: number;
    }
  | { readonly status: 'refused' | 'failed'; readonly path: string; readonly message: string };

/** Line-level counts of a landed batch. */
interface BatchCounts {
  linesRead: number;
  accepted: number;
  rejected: number;
}

function progress(text: string): void {
  if (isInteractive()) printInfo(text);
}

/**
 * Lands the lines of `textPath` (JSONL text) as batch `batchId` starting at `firstOffset`, inside the
 * caller's transaction: accepted lines into `raw_messages` in line order, rejected lines into
 * `raw_rejected`. Blank lines count for `_line` but are neither accepted nor rejected. The file is
 * read in pieces of whole lines (see {@link splitAtNewlines}), so memory stays bounded whatever its size.
 */
async function landLines(
  connection: DuckDBConnection,
  textPath: string,
  displayPath: string,
  batch: { batchId: number; firstOffset: number; source: string; loadedAt: Date },
  pieceBytes: number | undefined,
): Promise<BatchCounts> {
  let linesRead = 0;
  let pieces = 0;
  for await (const piece of splitAtNewlines(textPath, pieceBytes)) {
    progress(`${displayPath}: reading from line ${piece.firstLine.toLocaleString('en-US')}...`);
    try {
      await connection.run(`
        create or replace temp table _landing_lines as
        with file as (
            select string_split(content, chr(10)) as pieces from read_text(${quoteLiteral(piece.path)})
        ),
        numbered as (
            select
                unnest(generate_series(1, len(pieces))) as piece_line,
                unnest(pieces) as text,
                len(pieces) as piece_count
            from file
        )
        select
            ${piece.firstLine - 1} + piece_line as line_no,
            -- a CR of a CRLF line end and a byte-order mark are not part of the message
            rtrim(case when ${piece.first} and piece_line = 1 then ltrim(text, chr(65279)) else text end, chr(13)) as raw,
            piece_line = piece_count and text = '' as is_after_last_newline
        from numbered`);
    } catch (cause) {
      const message = (cause as Error).message;
      if (/UTF-8/i.test(message)) {
        throw new UserError(`${displayPath}: not valid UTF-8 text: nothing landed`, 1, { cause });
      }
      throw cause;
    }
    const lines = `(select line_no, raw from _landing_lines where not regexp_matches(raw, '^\\s*$'))`;
    await connection.run(
      pieces++ === 0
        ? `create or replace temp table _landing_checked as ${validateLinesSql(lines)}`
        : `insert into _landing_checked ${validateLinesSql(lines)}`,
    );
    linesRead += Number(
      await readScalar(
        connection,
        'select count(*) from _landing_lines where not is_after_last_newline',
      ),
    );
    await connection.run('drop table _landing_lines');
  }
  return { linesRead, ...(await insertChecked(connection, displayPath, batch)) };
}

/** Moves the checked lines into `raw_messages` (accepted, in line order) and `raw_rejected`. */
async function insertChecked(
  connection: DuckDBConnection,
  displayPath: string,
  batch: { batchId: number; firstOffset: number; source: string; loadedAt: Date },
): Promise<{ accepted: number; rejected: number }> {
  const loadedAt = timestampLiteral(batch.loadedAt);
  progress(`${displayPath}: inserting...`);
  await connection.run(`
    insert into raw_messages
    select
        ${batch.firstOffset - 1} + row_number() over (order by line_no) as _offset,
        message_id, sequence_id, partition_id, created_at, transaction_id, event_type, amount, currency,
        customer_id, payload,
        ${batch.batchId} as _batch_id,
        ${quoteLiteral(batch.source)} as _source,
        line_no as _line,
        ${loadedAt} as _loaded_at
    from _landing_checked
    where reason is null
    order by line_no`);
  await connection.run(`
    insert into raw_rejected
    select ${batch.batchId}, ${quoteLiteral(batch.source)}, line_no, raw, reason, ${loadedAt}
    from _landing_checked
    where reason is not null
    order by line_no`);
  const reader = await connection.runAndReadAll(`
    select
        count(*) filter (where reason is null) as accepted,
        count(*) filter (where reason is not null) as rejected
    from _landing_checked`);
  const row = reader.getRows()[0] ?? [];
  await connection.run('drop table _landing_checked');
  return { accepted: Number(row[0] ?? 0), rejected: Number(row[1] ?? 0) };
}

/**
 * Lands one JSONL file (plain or gzip) as one batch in one transaction: the messages, the rejected
 * lines and the ledger row appear together or not at all. A file whose content (SHA-256 of its bytes)
 * was already landed is refused unless `options.replay`; a replay lands it again with new offsets and
 * `replay_of` set to the original batch. Problems with the file itself (missing, directory,
 * unreadable, empty, corrupt gzip, not UTF-8) become a `failed` result naming the file.
 */
export async function loadFile(
  warehouse: Warehouse,
  path: string,
  options: LoadOptions = {},
): Promise<LoadFileResult> {
  const startedAt = new Date();
  let source;
  try {
    source = await readSourceFile(path);
  } catch (error) {
    if (error instanceof UserError) return { status: 'failed', path, message: error.message };
    throw error;
  }
  try {
    const { connection } = warehouse;
    await ensureLandingTables(connection);
    const result = await inTransaction(connection, async (): Promise<LoadFileResult> => {
      const earlier = await findLandedContent(connection, source.contentSha256);
      if (earlier && !options.replay) {
        return {
          status: 'refused',
          path,
          message:
            `${path}: this content was already landed as batch ${earlier.batchId} (${earlier.source}, ${earlier.startedAt}); ` +
            'nothing landed. Use --replay to land it again on purpose.',
        };
      }
      const { batchId, firstOffset } = await nextBatch(connection);
      const counts = await landLines(
        connection,
        source.textPath,
        path,
        { batchId, firstOffset, source: source.name, loadedAt: startedAt },
        options.pieceBytes,
      );
      const finishedAt = new Date();
      const lastOffset = counts.accepted > 0 ? firstOffset + counts.accepted - 1 : null;
      const replayOf = earlier ? earlier.batchId : null;
      await recordLoad(connection, {
        batchId,
        kind: 'file',
        source: source.name,
        contentSha256: source.contentSha256,
        ...counts,
        firstOffset: counts.accepted > 0 ? firstOffset : null,
        lastOffset,
        replayOf,
        startedAt,
        finishedAt,
      });
      return {
        status: 'landed',
        path,
        batchId,
        ...counts,
        blank: counts.linesRead - counts.accepted - counts.rejected,
        firstOffset: counts.accepted > 0 ? firstOffset : null,
        lastOffset,
        replayOf,
        seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      };
    });
    // The commit writes the batch for good: it is part of the time a user waits.
    return result.status === 'landed'
      ? { ...result, seconds: (Date.now() - startedAt.getTime()) / 1000 }
      : result;
  } catch (error) {
    if (error instanceof UserError) return { status: 'failed', path, message: error.message };
    throw error;
  } finally {
    source.cleanup();
  }
}

/** Lands each file in turn (arrival order = the order given), one batch per file; see {@link loadFile}. */
export async function loadFiles(
  warehouse: Warehouse,
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadFileResult[]> {
  const results: LoadFileResult[] = [];
  for (const path of paths) results.push(await loadFile(warehouse, path, options));
  return results;
}
