import { cpus, totalmem } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import type { MachineInfo } from './bench-result.js';

/** Describes this machine: cores, memory, Node and DuckDB versions (DuckDB's own `version()`). */
export async function machineInfo(): Promise<MachineInfo> {
  const instance = await DuckDBInstance.create(':memory:');
  let duckdb = 'unknown';
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll('select version()');
    duckdb = String(reader.getRows()[0]?.[0] ?? 'unknown');
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    totalMemoryBytes: totalmem(),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    duckdb,
  };
}

/** "2 cores, 24 GB, DuckDB v1.5.6, Node v20.20.2": how the docs name the machine. */
export function describeMachine(machine: MachineInfo): string {
  const gigabytes = Math.round(machine.totalMemoryBytes / 1024 ** 3);
  return `${machine.cpus} cores, ${gigabytes} GB, DuckDB ${machine.duckdb}, Node ${machine.node}`;
}
