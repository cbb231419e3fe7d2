/** Number formatting shared by the table, the docs and the chart. */

/** `1234567` → `1,234,567`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Seconds with 3 decimals below 10 s, 2 below 100 s, else whole: `0.012 s`, `12.34 s`, `123 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(3)} s`;
  if (seconds < 100) return `${seconds.toFixed(2)} s`;
  return `${Math.round(seconds)} s`;
}

/** Bytes as MB below 10 GB (`145 MB`, `1.15 MB`), else GB with 2 decimals. */
export function formatBytes(bytes: number): string {
  const mb = bytes / 1024 ** 2;
  if (mb >= 10 * 1024) return `${(mb / 1024).toFixed(2)} GB`;
  if (Math.abs(mb) < 10) return `${mb.toFixed(2)} MB`;
  return `${Math.round(mb)} MB`;
}

/** Rows per second: `32k rec/s`, `1.35M rec/s`. */
export function formatRate(rowsPerSecond: number): string {
  if (!Number.isFinite(rowsPerSecond)) return 'n/a';
  if (rowsPerSecond >= 1e6) return `${(rowsPerSecond / 1e6).toFixed(2)}M rec/s`;
  if (rowsPerSecond >= 1e3) return `${Math.round(rowsPerSecond / 1e3)}k rec/s`;
  return `${Math.round(rowsPerSecond)} rec/s`;
}

/** A ratio as `2.31×`, or `n/a`. */
export function formatRatio(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? 'n/a' : `${ratio.toFixed(2)}×`;
}

/** Text made safe for an SVG element or attribute. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
