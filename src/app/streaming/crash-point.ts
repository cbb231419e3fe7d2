/**
 * Named points in the consumer where the exactly-once tests kill it: `DW_CRASH_AT=committed:3`
 * makes the process SIGKILL itself the third time it passes `committed`. A real kill of the real
 * process, at a place a timer cannot hit reliably (between a commit and its acknowledgement, say).
 */
export type CrashPoint = 'fetched' | 'staged' | 'committed' | 'acked';

const armed = /^(\w+):(\d+)$/.exec(process.env['DW_CRASH_AT'] ?? '');
let passes = 0;

/** Kills this process with SIGKILL when `DW_CRASH_AT` names this pass of `point`. */
export function crashPoint(point: CrashPoint): void {
  if (!armed || armed[1] !== point) return;
  if (++passes === Number(armed[2])) process.kill(process.pid, 'SIGKILL');
}
