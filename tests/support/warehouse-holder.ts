import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts another node process that opens the warehouse file at `path` and keeps it open (DuckDB's
 * file lock keeps this process out); resolves once it holds the file. Kill it to release the file.
 */
export async function holdWarehouse(path: string): Promise<ChildProcess> {
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const {DuckDBInstance}=require('@duckdb/node-api');
       DuckDBInstance.create(${JSON.stringify(path)}).then(()=>{console.log('ready');setInterval(()=>{},1000)})`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((ready) => holder.stdout!.once('data', () => ready()));
  return holder;
}
