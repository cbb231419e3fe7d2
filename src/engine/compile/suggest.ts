/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Up to three names close to `name` (edit distance ≤ a third of its length, at least 2). */
export function suggestNames(name: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return [...candidates]
    .map((candidate) => ({ candidate, d: distance(name, candidate) }))
    .filter(
      ({ d, candidate }) => d <= limit || candidate.includes(name) || name.includes(candidate),
    )
    .sort((x, y) => x.d - y.d || x.candidate.localeCompare(y.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

/** ` Did you mean "a" or "b"?` or an empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = suggestNames(name, candidates);
  return close.length === 0 ? '' : ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?`;
}
