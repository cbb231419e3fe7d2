import type { MachineInfo } from '../../bench/lib/bench-result.js';

/** The machine written into hand-made results in the bench report tests. */
export const TEST_MACHINE: MachineInfo = {
  cpus: 2,
  cpuModel: 'Test CPU',
  totalMemoryBytes: 24 * 1024 ** 3,
  platform: 'linux x64',
  node: 'v20.0.0',
  duckdb: 'v1.5.6',
};
