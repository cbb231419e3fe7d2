import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ParquetRowGroup } from './parquet-row-group.js';
import type { RowSink } from './simulated-row.js';
import type { SimulationStream } from './simulation-stream.js';
import { STAGED_COLUMNS } from './staged-columns.js';

/**
 * DuckDB's row group size: each staging file holds exactly one row group of rows (the last one of a
 * run fewer), so that every insert writes full row groups and the checkpoint at the end has nothing
 * to merge and rewrite (a partial row group makes the checkpoint recompress the whole batch).
 */
const ROW_GROUP_ROWS = 122_880;
/** Row groups generated per chunk, landed by one insert: bounds memory and the staging files. */
const CHUNK_ROW_GROUPS = 4;
/** The most rows a chunk holds: the unit a simulation is generated and written in. */
export const CHUNK_ROWS = ROW_GROUP_ROWS * CHUNK_ROW_GROUPS;

/** Stages each row into `group`'s columns (written as Parquet for DuckDB), allocating nothing. */
function stagingSink(group: ParquetRowGroup): RowSink {
  const [
    ordinals,
    messageNos,
    sequenceIds,
    partitionIds,
    createdMs,
    transactionNos,
    eventTypeCodes,
    amountCents,
    currencyCodes,
    customerNos,
    methodCodes,
    reserialiseds,
  ] = STAGED_COLUMNS.map((_, index) => group.values(index));
  return (staged) => {
    const row = group.rows++;
    ordinals![row] = staged.ordinal;
    messageNos![row] = staged.messageNo;
    sequenceIds![row] = staged.sequenceId;
    partitionIds![row] = staged.partitionId;
    createdMs![row] = staged.createdAtMs;
    transactionNos![row] = staged.transactionNo;
    eventTypeCodes![row] = staged.eventTypeCode;
    amountCents![row] = staged.amountCents;
    currencyCodes![row] = staged.currencyCode;
    customerNos![row] = staged.customerNo;
    methodCodes![row] = staged.methodCode;
    reserialiseds![row] = staged.reserialised ? 1 : 0;
  };
}

/**
 * Stages a simulation's rows in chunks, each row group as the numbers of {@link STAGED_COLUMNS} in a
 * Parquet file of its own under `dir`, and fingerprints them: {@link digest} is the SHA-256 of each
 * row group's columns in order, as their Parquet values, so two identical runs share it.
 */
export class SimulationStaging {
  private readonly group = new ParquetRowGroup(STAGED_COLUMNS, ROW_GROUP_ROWS);
  private readonly sink = stagingSink(this.group);
  private readonly hash = createHash('sha256');
  private chunks = 0;

  constructor(private readonly dir: string) {}

  /**
   * Generates the next chunk of `stream` and writes its files, returned in row order; none once the
   * stream is done. Files alternate between two sets, so a chunk's files may be written while an
   * insert still reads the previous chunk's, and must be read before the chunk after next is staged.
   */
  stageChunk(stream: SimulationStream): string[] {
    // A small first chunk (one row group), so that DuckDB starts early.
    const rowGroups = this.chunks === 0 ? 1 : CHUNK_ROW_GROUPS;
    const files: string[] = [];
    for (let index = 0; index < rowGroups && !stream.done; index++) {
      this.group.rows = 0;
      if (stream.fillRows(ROW_GROUP_ROWS, this.sink) === 0) break;
      for (let column = 0; column < STAGED_COLUMNS.length; column++) {
        const values = this.group.values(column);
        this.hash.update(
          new Uint8Array(values.buffer, 0, this.group.rows * values.BYTES_PER_ELEMENT),
        );
      }
      const file = join(this.dir, `chunk-${this.chunks % 2}-${index}.parquet`);
      this.group.writeFile(file);
      files.push(file);
    }
    if (files.length > 0) this.chunks++;
    return files;
  }

  /** The content hash of every row staged (call once, at the end). */
  digest(): string {
    return this.hash.digest('hex');
  }
}
