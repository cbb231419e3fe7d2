import type { SeedConfig } from '../graph/node-config.js';

/** The config the CSV loader reads of a seed: `column_types` and `delimiter`. */
export function resolveSeedConfig(config: Readonly<Record<string, unknown>>): SeedConfig {
  const types = config['column_types'];
  const delimiter = config['delimiter'];
  return {
    columnTypes: new Map(
      types && typeof types === 'object'
        ? Object.entries(types as Record<string, unknown>).map(([column, type]) => [
            column,
            String(type),
          ])
        : [],
    ),
    delimiter: typeof delimiter === 'string' ? delimiter : undefined,
  };
}
