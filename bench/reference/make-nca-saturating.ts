/**
 * Writes test/fixtures/nca-saturating.csv, the NCA data set built to saturate:
 *
 *   node --import tsx bench/reference/make-nca-saturating.ts
 *
 * 6 classes × 36 rows; 3 informative features (class centres drawn N(0, 1.5²) per coordinate, unit Gaussian noise
 * around them) and 6 pure-noise features N(0, 1), every value then multiplied by 8, seeded (mt19937, seed 2). Fitted
 * with preprocessing 'none' from L = I, squared distances between rows are in the hundreds, so most softmax rows are
 * one-hot at the start: Σ p_i starts at the leave-one-out 1-NN count of the noisy space, the gradient is tiny, and
 * an optimizer that does not shrink L stops there. A good metric exists (the same data z-scored reaches Σ p_i ≈ 165).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../shared/math/random/index.ts';

const CLASSES = 6;
const PER_CLASS = 36;
const INFORMATIVE = 3;
const NOISE = 6;
const SEPARATION = 1.5;
const SCALE = 8;

const rng = createRng(2);
const d = INFORMATIVE + NOISE;
const lines = [[...Array.from({ length: d }, (_, f) => `f${f}`), 'label'].join(',')];
const centres = Array.from({ length: CLASSES }, () => Array.from({ length: INFORMATIVE }, () => SEPARATION * rng.normal()));
for (let i = 0; i < CLASSES * PER_CLASS; i++) {
  const c = i % CLASSES;
  const row: string[] = [];
  for (let f = 0; f < INFORMATIVE; f++) row.push((SCALE * (centres[c]![f]! + rng.normal())).toFixed(4));
  for (let f = 0; f < NOISE; f++) row.push((SCALE * rng.normal()).toFixed(4));
  row.push(String(c));
  lines.push(row.join(','));
}
const out = fileURLToPath(new URL('../../test/fixtures/nca-saturating.csv', import.meta.url));
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${out}: ${CLASSES * PER_CLASS} rows, ${d} features`);
