import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { holdWarehouse } from './support/warehouse-holder.js';
import { openWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { WarehouseError } from '../src/base/warehouse/warehouse-error.js';
import { resolveDbPath } from '../src/base/warehouse/resolve-db-path.js';
import { quoteIdentifier, quoteLiteral } from '../src/base/warehouse/quote.js';

describe('openWarehouse', () => {
  it('refuses to open a missing warehouse read-only, naming the file', async ({ tempDir }) => {
    const dir = tempDir('dw-open-');
    const path = join(dir, 'nope.duckdb');
    await expect(openWarehouse(path, { readOnly: true })).rejects.toThrow(
      /nope\.duckdb does not exist/,
    );
  });

  it('reports a warehouse held by another process as busy, naming the process', async ({
    tempDir,
  }) => {
    const dir = tempDir('dw-open-');
    const path = join(dir, 'w.duckdb');
    const holder = await holdWarehouse(path);
    try {
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

  it('opens read-only so that writes fail', async ({ tempDir }) => {
    const dir = tempDir('dw-open-');
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
    expect(resolveDbPath('/p', '/x/a.duckdb', { WAREHOUSE_PATH: '/y/b.duckdb' })).toBe(
      '/x/a.duckdb',
    );
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

describe('openWarehouse: one instance per file in this process', () => {
  // DuckDB's lock keeps other processes out but lets a second instance in the same process open
  // the file without an error; two instances writing one file can corrupt it.
  it('refuses a second open of a file that is open, as busy and naming the file, until it is closed', async ({
    tempDir,
  }) => {
    const dir = tempDir('dw-open-');
    const path = join(dir, 'w.duckdb');
    const first = await openWarehouse(path);
    try {
      const error = await openWarehouse(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WarehouseError);
      expect((error as WarehouseError).reason).toBe('busy');
      expect((error as Error).message).toContain(
        `Warehouse ${path} is already open in this process`,
      );
      const readOnly = await openWarehouse(path, { readOnly: true }).catch((e: unknown) => e);
      expect((readOnly as WarehouseError).reason).toBe('busy');
      await first.connection.run('create table t as select 42 as a');
    } finally {
      first.close();
    }
    const again = await openWarehouse(path, { readOnly: true });
    try {
      const rows = (await again.connection.runAndReadAll('select a from t')).getRows();
      expect(rows).toEqual([[42]]);
    } finally {
      again.close();
    }
  });

  it('knows the same file under another spelling of its path', async ({ tempDir }) => {
    const dir = tempDir('dw-open-');
    const folder = join(dir, 'real');
    mkdirSync(folder);
    symlinkSync(folder, join(dir, 'link'));
    const first = await openWarehouse(join(folder, 'w.duckdb'));
    try {
      for (const other of [
        join(dir, 'link', 'w.duckdb'),
        join(dir, 'real', '..', 'real', 'w.duckdb'),
      ]) {
        const error = await openWarehouse(other).catch((e: unknown) => e);
        expect((error as WarehouseError).reason).toBe('busy');
      }
      const elsewhere = await openWarehouse(join(folder, 'other.duckdb'));
      elsewhere.close();
    } finally {
      first.close();
    }
  });

  it('lets exactly one of two concurrent opens of one file through', async ({ tempDir }) => {
    const dir = tempDir('dw-open-');
    const path = join(dir, 'w.duckdb');
    const outcomes = await Promise.allSettled([openWarehouse(path), openWarehouse(path)]);
    const opened = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(opened).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(((refused[0] as PromiseRejectedResult).reason as WarehouseError).reason).toBe('busy');
    (opened[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof openWarehouse>>>).value.close();
  });

  it('tells a second opener for the same holder to wait for it, any other to close or share it', async ({
    tempDir,
  }) => {
    const dir = tempDir('dw-open-');
    const path = join(dir, 'w.duckdb');
    const first = await openWarehouse(path, { holder: 'build' });
    try {
      const build = await openWarehouse(path, { holder: 'build' }).catch((e: unknown) => e);
      expect((build as WarehouseError).reason).toBe('busy');
      expect((build as Error).message).toBe(
        `Warehouse ${path} is in use by another build in this process: only one build may use it at a time. ` +
          'Wait for that build to finish, then try again.',
      );
      const plain = await openWarehouse(path).catch((e: unknown) => e);
      expect((plain as WarehouseError).reason).toBe('busy');
      expect((plain as Error).message).toContain(
        `Warehouse ${path} is already open in this process`,
      );
    } finally {
      first.close();
    }
    (await openWarehouse(path, { holder: 'build' })).close();
  });

  it('releases the file when the open fails, and never restricts :memory:', async ({ tempDir }) => {
    const dir = tempDir('dw-open-');
    const path = join(dir, 'not-a-database.duckdb');
    writeFileSync(
      path,
      'this is not a DuckDB file, just text that is long enough to be read as a header',
    );
    await expect(openWarehouse(path)).rejects.toBeInstanceOf(WarehouseError);
    // The failed open left no registration behind: the same path is refused by DuckDB, not by us.
    const second = await openWarehouse(path).catch((e: unknown) => e);
    expect((second as Error).message).not.toContain('already open in this process');
    const a = await openWarehouse(':memory:');
    const b = await openWarehouse(':memory:');
    a.close();
    b.close();
  });
});
