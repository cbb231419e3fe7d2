/** Benchmark scales: how many simulated messages each one lands, and its default repeat count. */
export const SCALES = {
  small: { messages: 100, repeat: 1 },
  medium: { messages: 10_000, repeat: 3 },
  large: { messages: 1_000_000, repeat: 3 },
  xlarge: { messages: 10_000_000, repeat: 1 },
} as const;

export type ScaleName = keyof typeof SCALES;

/** The scales in size order (the chart's legend order). */
export const SCALE_NAMES: readonly ScaleName[] = ['small', 'medium', 'large', 'xlarge'];

/** True when `name` is one of {@link SCALES}. */
export function isScaleName(name: string): name is ScaleName {
  return Object.hasOwn(SCALES, name);
}

/**
 * Messages landed for the incremental run: 1% more arrivals continuing the same stream
 * (at least 1, so the tiny smoke scale still exercises it).
 */
export function incrementalMessages(messages: number): number {
  return Math.max(1, Math.round(messages / 100));
}
