// Against a real build of the pipeline project (over a tiny landed stream): fails when a model
// changed a relation's columns and src/types/warehouse-types.ts was not regenerated, and when a
// query of docs/sql.md no longer runs as written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAREHOUSE_TYPES_FILE } from '../src/kysely/generate-warehouse-types.js';
import { staleWarehouseTypesMessage } from '../src/kysely/write-warehouse-types.js';
import { loadFile } from '../src/landing/load-file.js';
import { runStatement } from '../src/sql/run-statement.js';
import { splitStatements } from '../src/sql/split-statements.js';
import { openWarehouse, withWarehouse } from '../src/warehouse/open-warehouse.js';
import { buildPipeline, copyPipelineProject, REPO_ROOT } from './support/pipeline-build.js';

let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-types-fresh-'));
  db = join(dir, 'w.duckdb');
  const file = join(dir, 'tiny.jsonl');
  const message = (id: string, sequence: number, type: string, minute: number): string =>
    JSON.stringify({
      message_id: id,
      sequence_id: sequence,
      partition_id: 0,
      created_at: `2025-01-13T10:${String(minute).padStart(2, '0')}:00Z`,
      payload: {
        transaction_id: 't1',
        event_type: type,
        amount: 10.5,
        currency: 'EUR',
        customer_id: 'c1',
      },
    });
  writeFileSync(
    file,
    [
      message('m1', 1, 'authorized', 0),
      message('m2', 2, 'captured', 1),
      message('m2', 2, 'captured', 1),
    ].join('\n') + '\n',
  );
  const warehouse = await openWarehouse(db);
  try {
    expect((await loadFile(warehouse, file)).status).toBe('landed');
  } finally {
    warehouse.close();
  }
  await buildPipeline({ projectDir: copyPipelineProject(join(dir, 'project')), dbPath: db });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`${WAREHOUSE_TYPES_FILE}`, () => {
  it('matches the relations a build of the project creates (else run `npm run gen-types`)', async () => {
    const message = await withWarehouse(db, { readOnly: true }, ({ connection }) =>
      staleWarehouseTypesMessage(connection, join(REPO_ROOT, WAREHOUSE_TYPES_FILE)),
    );
    expect(message, message ?? '').toBeNull();
  });
});

describe('docs/sql.md', () => {
  const blocks = [
    ...readFileSync(join(REPO_ROOT, 'docs/sql.md'), 'utf8').matchAll(/```sql\n([\s\S]*?)```/g),
  ].map((match) => match[1]!);

  it('has investigation queries', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it('every SQL example runs as written on a built warehouse (read-only)', async () => {
    await withWarehouse(db, { readOnly: true }, async ({ connection }) => {
      for (const block of blocks) {
        for (const statement of splitStatements(block)) {
          await expect(
            runStatement(connection, statement.text, 5),
            statement.text,
          ).resolves.toBeDefined();
        }
      }
    });
  });
});
