// The minimal Parquet writer the simulator stages its numbers with: DuckDB must read back exactly the
// values written, in order, as one row group of required, PLAIN, uncompressed columns.
import { join } from 'node:path';
import { expect } from 'vitest';
import { it } from './support/fixtures.js';
import { ParquetRowGroup } from '../src/app/landing/parquet-row-group.js';
import { readRows } from './support/read-rows.js';

it('DuckDB reads back every value in order: doubles up to 2^53, negative and extreme int32s, an empty file', async ({
  tempDir,
  openWarehouse,
}) => {
  const group = new ParquetRowGroup(
    [
      { name: 'ordinal', type: 'DOUBLE' },
      { name: 'big', type: 'DOUBLE' },
      { name: 'small', type: 'INT32' },
    ],
    5000,
  );
  const expected: [number, number, number][] = [];
  for (let i = 0; i < 4321; i++) {
    const big = i === 0 ? Number.MAX_SAFE_INTEGER : 1_736_726_400_123 + i * 4001;
    const small = i === 1 ? -2_147_483_648 : i === 2 ? 2_147_483_647 : i % 10 === 0 ? -1 : i * 3;
    group.values(0)[i] = i + 1;
    group.values(1)[i] = big;
    group.values(2)[i] = small;
    expected.push([i + 1, big, small]);
  }
  group.rows = expected.length;
  const dir = tempDir();
  const file = join(dir, 'numbers.parquet');
  group.writeFile(file);
  group.rows = 0;
  const empty = join(dir, 'empty.parquet');
  group.writeFile(empty);

  const warehouse = await openWarehouse();
  const read = await readRows(
    warehouse.connection,
    `select ordinal::BIGINT as ordinal, big::BIGINT as big, small from read_parquet('${file}')`,
  );
  expect(read.map((row) => [Number(row['ordinal']), Number(row['big']), row['small']])).toEqual(
    expected,
  );
  expect(
    await readRows(
      warehouse.connection,
      `select path_in_schema, type, encodings, compression, num_values
       from parquet_metadata('${file}') order by column_id`,
    ),
  ).toEqual([
    {
      path_in_schema: 'ordinal',
      type: 'DOUBLE',
      encodings: 'PLAIN',
      compression: 'UNCOMPRESSED',
      num_values: '4321',
    },
    {
      path_in_schema: 'big',
      type: 'DOUBLE',
      encodings: 'PLAIN',
      compression: 'UNCOMPRESSED',
      num_values: '4321',
    },
    {
      path_in_schema: 'small',
      type: 'INT32',
      encodings: 'PLAIN',
      compression: 'UNCOMPRESSED',
      num_values: '4321',
    },
  ]);
  expect(
    await readRows(warehouse.connection, `select count(*) as n from read_parquet('${empty}')`),
  ).toEqual([{ n: '0' }]);
  expect(() => {
    group.rows = 5001;
    group.encode();
  }).toThrow(/rows: must be a whole number from 0 to 5000/);
});
