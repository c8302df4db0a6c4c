/**
 * Writes the default apples sample (shared/samples/apples.ts, generateApples()) as a numeric CSV with the class index
 * last, for bench/reference/nca_sklearn.py:
 *
 *   node --import tsx bench/reference/write-apples.ts /tmp/apples.csv
 */
import { writeFileSync } from 'node:fs';
import { generateApples } from '../../shared/samples/apples.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: write-apples.ts OUT.csv');
const data = generateApples();
const lines = [[...data.featureNames.map((_, f) => `f${f}`), 'label'].join(',')];
for (let i = 0; i < data.nRows; i++) {
  const row = Array.from(data.features.subarray(i * data.nFeatures, (i + 1) * data.nFeatures), (v) => String(v));
  lines.push([...row, String(data.labels![i])].join(','));
}
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${out}: ${data.nRows} rows, ${data.nFeatures} features, ${data.classNames.length} classes`);
