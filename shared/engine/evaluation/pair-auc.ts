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
