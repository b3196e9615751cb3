/**
 * Edit distance (optimal string alignment: insert, delete, substitute, swap
 * two neighbours), bounded: returns `limit + 1` as soon as it is exceeded.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * The candidate nearest to `name`, if it is near enough to be a plausible typo:
 * at most a third of the name's length away (minimum 2). Ties go to the first
 * candidate, so callers pass candidates in a meaningful order.
 */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const bound = Math.min(limit, bestDistance - 1);
    const d = editDistance(name, candidate, bound);
    if (d <= bound) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
