/**
 * A tiny seeded pseudo-random generator (mulberry32: 32-bit state, period 2^32, passes the usual
 * statistical smoke tests). Written here rather than taken from a library so that the simulator's
 * output stays byte-identical for a seed forever, whatever a dependency's next version does, and
 * because it is the hottest call in the simulator (no allocation, no BigInt).
 */
export class Prng {
  private state: number;

  /** `seed` is reduced to 32 bits; seeds that differ in their low 32 bits give different streams. */
  constructor(seed: number) {
    this.state = (seed >>> 0) ^ 0x6d2b79f5;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
