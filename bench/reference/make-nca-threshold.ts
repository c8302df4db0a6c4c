/**
 * Writes test/fixtures/nca-threshold.csv, an NCA data set just above the exact/truncated threshold (EXACT_BELOW = 200
 * rows in shared/engine/learners/nca.ts), built to stand in for the 214-row, 9-feature, 6-class UCI glass data (not
 * shipped): the same shape and class sizes (70, 76, 17, 13, 9, 29), classes that overlap, three features clipped at 0
 * as glass's Mg / K / Ba / Fe columns are:
 *
 *   node --import tsx bench/reference/make-nca-threshold.ts
 *
 * Class centres N(0, 0.6²) per coordinate, per-class per-feature noise scales uniform in [0.5, 2), features 6–8
 * clipped at 0; seeded (mt19937, seed 26). Z-scored with NCA's defaults, scikit-learn reaches Σ p_i = 164.0 there,
 * and the truncated softmax's path used to stop at 161.9 with a tolerance verdict a fresh L-BFGS step refutes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../shared/math/random/index.ts';

const COUNTS = [70, 76, 17, 13, 9, 29];
const FEATURES = 9;
const CLIPPED_FROM = 6;
const SEPARATION = 0.6;

const rng = createRng(26);
const centres = COUNTS.map(() => Array.from({ length: FEATURES }, () => SEPARATION * rng.normal()));
const scales = COUNTS.map(() => Array.from({ length: FEATURES }, () => 0.5 + 1.5 * rng.next()));
const lines = [[...Array.from({ length: FEATURES }, (_, f) => `f${f}`), 'label'].join(',')];
COUNTS.forEach((count, c) => {
  for (let r = 0; r < count; r++) {
    const row: string[] = [];
    for (let f = 0; f < FEATURES; f++) {
      const v = centres[c]![f]! + scales[c]![f]! * rng.normal();
      row.push(String(f >= CLIPPED_FROM ? Math.max(0, v) : v));
    }
    row.push(String(c));
    lines.push(row.join(','));
  }
});
const out = fileURLToPath(new URL('../../test/fixtures/nca-threshold.csv', import.meta.url));
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${out}: ${COUNTS.reduce((a, b) => a + b, 0)} rows, ${FEATURES} features`);
