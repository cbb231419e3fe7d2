import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/warehouse/open-warehouse.js';
import { WarehouseError } from '../src/warehouse/warehouse-error.js';
import { resolveDbPath } from '../src/warehouse/resolve-db-path.js';
import { quoteIdentifier, quoteLiteral } from '../src/warehouse/quote.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dw-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openWarehouse', () => {
  it('refuses to open a missing warehouse read-only, naming the file', async () => {
    const path = join(dir, 'nope.duckdb');
    await expect(openWarehouse(path, { readOnly: true })).rejects.toThrow(/nope\.duckdb does not exist/);
  });

  it('reports a warehouse held by another process as busy, naming the process', async () => {
    const path = join(dir, 'w.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const {DuckDBInstance}=require('@duckdb/node-api');
         DuckDBInstance.create(${JSON.stringify(path)}).then(()=>{console.log('ready');setInterval(()=>{},1000)})`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((ok) => holder.stdout!.once('data', () => ok()));
      const error = await openWarehouse(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WarehouseError);
      expect((error as WarehouseError).reason).toBe('busy');
      expect((error as Error).message).toContain(`process ${holder.pid}`);
      const readOnly = await openWarehouse(path, { readOnly: true }).catch((e: unknown) => e);
      expect((readOnly as WarehouseError).reason).toBe('busy');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('opens read-only so that writes fail', async () => {
    const path = join(dir, 'w.duckdb');
    const w = await openWarehouse(path);
    await w.connection.run('create table t as select 1 as a');
    w.close();
    const r = await openWarehouse(path, { readOnly: true });
    try {
      await expect(r.connection.run('delete from t')).rejects.toThrow(/read-only/);
    } finally {
      r.close();
    }
  });
});

describe('resolveDbPath', () => {
  it('prefers --db, then WAREHOUSE_PATH, then warehouse.duckdb in the project', () => {
    expect(resolveDbPath('/p', '/x/a.duckdb', { WAREHOUSE_PATH: '/y/b.duckdb' })).toBe('/x/a.duckdb');
    expect(resolveDbPath('/p', undefined, { WAREHOUSE_PATH: '/y/b.duckdb' })).toBe('/y/b.duckdb');
    expect(resolveDbPath('/p', undefined, {})).toBe('/p/warehouse.duckdb');
  });
});

describe('quoting', () => {
  it('doubles embedded quotes', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteLiteral("o'brien")).toBe("'o''brien'");
  });
});
