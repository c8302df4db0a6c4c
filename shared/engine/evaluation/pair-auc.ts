/**
 * ROC-AUC of pair distances: how well a distance separates must-link pairs (should be near) from cannot-link
 * pairs (should be far). Scoring a pair by its distance, with cannot-link as the positive class,
 *
 *   AUC = P(d_cannot > d_must) + ½·P(d_cannot = d_must)
 *
 * over all (must, cannot) combinations: the Mann–Whitney U statistic / (n_must·n_cannot), with average ranks for
 * equal distances. 1 = perfect separation, 0.5 = chance. null when either kind is missing. Cost O(p log p).
 */
export function pairDistanceAuc(distances: ArrayLike<number>, similar: ArrayLike<number>): number | null {
  const p = distances.length;
  if (similar.length !== p) throw new RangeError(`pairDistanceAuc: ${p} distances for ${similar.length} pair kinds.`);
  let nMust = 0;
  for (let i = 0; i < p; i++) if (similar[i]) nMust++;
  const nCannot = p - nMust;
  if (nMust === 0 || nCannot === 0) return null;
  const order = Array.from({ length: p }, (_, i) => i).sort((a, b) => distances[a]! - distances[b]!);
  let rankSumCannot = 0;
  for (let start = 0; start < p; ) {
    let end = start;
    while (end + 1 < p && distances[order[end + 1]!] === distances[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1; // 1-based ranks start+1 … end+1
    for (let r = start; r <= end; r++) if (!similar[order[r]!]) rankSumCannot += averageRank;
    start = end + 1;
  }
  const u = rankSumCannot - (nCannot * (nCannot + 1)) / 2;
  return u / (nMust * nCannot);
}

/** Below this many held-out pairs a pair AUC is shown as "n/a" (the AUC of a handful of pairs takes a few coarse values). */
export const PAIR_AUC_MIN_PAIRS = 20;

const grouped = new Intl.NumberFormat('en-US');

/**
 * A pair AUC with what it was computed on: "0.834 (9,800 pairs)"; "n/a — only 5 held-out labeled pairs" below
 * {@link PAIR_AUC_MIN_PAIRS} ("n/a — no held-out labeled pairs" for none); "n/a — no held-out pairs of both kinds" when
 * there is no AUC. Evaluations stored before
 * the count was recorded (`pairs` undefined) show the number alone.
 */
export function pairAucText(pairAuc: number | null, pairs: number | undefined, source?: string, digits = 3): string {
  const kind = source === undefined ? '' : `${source} `;
  if (pairs === 0) return `n/a — no held-out ${kind}pairs`;
  if (pairs !== undefined && pairs < PAIR_AUC_MIN_PAIRS) return `n/a — only ${grouped.format(pairs)} held-out ${kind}pair${pairs === 1 ? '' : 's'}`;
  if (pairAuc === null) return 'n/a — no held-out pairs of both kinds';
  return pairs === undefined ? pairAuc.toFixed(digits) : `${pairAuc.toFixed(digits)} (${grouped.format(pairs)} pairs)`;
}
