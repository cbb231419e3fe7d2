import type { TimedLine } from '../../scripts/lib/repo-script.js';

/** A committed batch, as the consumer's `batch N  seq A-B  landed L  rejected R ...` line says. */
export interface BatchLine {
  /** When the line arrived (ms since the epoch). */
  readonly at: number;
  readonly first: number;
  readonly last: number;
  readonly landed: number;
  readonly rejected: number;
}

/** A finished micro-batch build, from its `build  N new message(s)  S s` line. */
export interface BuildLine {
  /** When the line arrived: the build's models and tests are committed by then. */
  readonly at: number;
  readonly newMessages: number;
  readonly seconds: number;
  /** The last stream sequence of the batches before it: every sequence up to it is built. */
  readonly covers: number;
  /** Rows landed (accepted) before it: the size of history it built on. */
  readonly historyRows: number;
}

const BATCH = /^batch \d+\s+seq (\d+)-(\d+)\s+landed ([\d,]+)\s+rejected ([\d,]+)/;
const BUILD = /^build\s+([\d,]+) new message\(s\)\s+([\d.]+) s(?:\s|$)/;
const whole = (text: string): number => Number(text.replaceAll(',', ''));

/**
 * The batches and builds of a consumer's stdout, in order. A build covers the batches printed
 * before it: the consumer builds between batches, on what it has committed.
 */
export function parseConsumerLog(lines: readonly TimedLine[]): {
  batches: BatchLine[];
  builds: BuildLine[];
} {
  const batches: BatchLine[] = [];
  const builds: BuildLine[] = [];
  let covers = 0;
  let historyRows = 0;
  for (const line of lines) {
    if (line.stream !== 'stdout') continue;
    const batch = BATCH.exec(line.text);
    if (batch) {
      const [, first, last, landed, rejected] = batch;
      batches.push({
        at: line.at,
        first: whole(first!),
        last: whole(last!),
        landed: whole(landed!),
        rejected: whole(rejected!),
      });
      covers = whole(last!);
      historyRows += whole(landed!);
      continue;
    }
    const build = BUILD.exec(line.text);
    if (build) {
      builds.push({
        at: line.at,
        newMessages: whole(build[1]!),
        seconds: Number(build[2]),
        covers,
        historyRows,
      });
    }
  }
  return { batches, builds };
}

/** The publisher's summary line (`formatPublishSummary`): the count, seconds and the sequences this run took. */
export function parsePublishSummary(
  lines: readonly TimedLine[],
): { published: number; seconds: number; firstSequence: number; lastSequence: number } | null {
  for (const line of lines) {
    const found =
      /^published ([\d,]+) message\(s\) to \S+ in ([\d.]+) s.*?: sequences ([\d,]+) to ([\d,]+);/.exec(
        line.text,
      );
    if (found) {
      return {
        published: whole(found[1]!),
        seconds: Number(found[2]),
        firstSequence: whole(found[3]!),
        lastSequence: whole(found[4]!),
      };
    }
  }
  return null;
}
