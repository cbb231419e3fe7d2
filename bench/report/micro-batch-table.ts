import { formatCount, formatSeconds } from './format.js';

/** One variant's medians for one case of `npm run bench:micro-batch`. */
interface VariantResult {
  readonly name: string;
  readonly seconds: number;
  readonly outsideNodesSeconds: number;
  readonly nodeCount: number;
  readonly nodes: readonly { readonly name: string; readonly seconds: number }[];
}

/** One case (new arrivals before the build) with every variant's medians. */
export interface CaseResult {
  readonly newMessages: number;
  readonly variants: readonly VariantResult[];
}

/** What the Markdown table needs of `bench/results/micro-batch-build.json`. */
interface MicroBatchResult {
  readonly repeat: number;
  readonly sizes: readonly {
    readonly messages: number;
    readonly cases: readonly CaseResult[];
  }[];
}

/** How many of a build's slowest nodes the table names. */
const SLOWEST = 3;

/**
 * The Markdown table of a micro-batch run: one row per warehouse size, case and variant, with the
 * median build, the time spent outside the nodes (parsing, planning, artifacts) and the slowest nodes.
 */
export function renderMicroBatchTable(result: MicroBatchResult): string {
  const lines = [
    `| warehouse | new arrivals | variant | build (median of ${result.repeat}) | outside nodes | nodes run | slowest nodes |`,
    '| ---: | ---: | --- | ---: | ---: | ---: | --- |',
  ];
  for (const size of result.sizes) {
    for (const one of size.cases) {
      for (const variant of one.variants) {
        const slowest = variant.nodes
          .slice(0, SLOWEST)
          .map((node) => `${node.name} ${formatSeconds(node.seconds)}`)
          .join(', ');
        lines.push(
          `| ${formatCount(size.messages)} | ${formatCount(one.newMessages)} | ${variant.name} | ${formatSeconds(variant.seconds)} | ${formatSeconds(variant.outsideNodesSeconds)} | ${variant.nodeCount} | ${slowest} |`,
        );
      }
    }
  }
  return lines.join('\n');
}
