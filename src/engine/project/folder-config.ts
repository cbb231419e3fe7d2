/**
 * dbt's per-folder configuration: in `models: {<project>: {silver: {+materialized: table}}}` every
 * `+key` applies to the folder it sits under and everything below; deeper folders win, except that
 * `tags` and `pre_hook`/`post_hook` accumulate from the outermost level in (see {@link mergeConfig}).
 * Keys without `+` are folder names (dbt also accepts a few bare config keys; we accept any bare
 * key that is not a sub-folder and whose value is not an object).
 */
export function resolveFolderConfig(
  tree: Readonly<Record<string, unknown>>,
  projectName: string,
  /** Path segments below the resource path, e.g. `['silver', 'events']` for `models/silver/events.sql`. */
  segments: readonly string[],
): Record<string, unknown> {
  let config: Record<string, unknown> = {};
  const apply = (level: Record<string, unknown>): void => {
    const own: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(level)) {
      if (key.startsWith('+')) own[normalizeConfigKey(key.slice(1))] = value;
      else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        own[normalizeConfigKey(key)] = value;
      }
    }
    config = mergeConfig(config, own);
  };
  apply(tree);
  let level = tree[projectName];
  if (level === null || typeof level !== 'object') return config;
  apply(level as Record<string, unknown>);
  for (const segment of segments) {
    const next: unknown = (level as Record<string, unknown>)[segment];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) break;
    level = next;
    apply(level as Record<string, unknown>);
  }
  return config;
}

/**
 * The folders of `path` below the resource path it sits under: `['staging', 'orders']` for
 * `models/staging/orders/stg.sql` with roots `['models']`; `[]` when no root holds it.
 */
export function folderSegments(path: string, roots: readonly string[]): string[] {
  for (const root of roots) {
    const prefix = `${root.replace(/\/+$/, '')}/`;
    if (path.startsWith(prefix)) return path.slice(prefix.length).split('/').slice(0, -1);
  }
  return [];
}

/** `pre-hook` and `pre_hook` are the same key in dbt. */
export function normalizeConfigKey(key: string): string {
  return key.replaceAll('-', '_');
}

/**
 * Merges configs, later ones winning, the way dbt does: `tags` accumulate (deduplicated),
 * `pre_hook`/`post_hook` accumulate in order, everything else is replaced.
 */
export function mergeConfig(
  ...layers: readonly Record<string, unknown>[]
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [rawKey, value] of Object.entries(layer)) {
      const key = normalizeConfigKey(rawKey);
      if (key === 'tags') {
        const existing = toList(out['tags']).map(String);
        out['tags'] = [...new Set([...existing, ...toList(value).map(String)])];
      } else if (key === 'pre_hook' || key === 'post_hook') {
        out[key] = [...toList(out[key]), ...toList(value)];
      } else {
        out[key] = value;
      }
    }
  }
  return out;
}

/** `undefined` → `[]`, a scalar → `[scalar]`, a list as is. */
export function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
