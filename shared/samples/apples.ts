import type { DatasetMatrix } from '../domain/dataset.ts';
import { createRng, type Rng } from '../math/random/index.ts';

/** The apple varieties, in class-index order; each has its own typical color. */
export const APPLE_VARIETIES = ['Granny Smith', 'Golden Delicious', 'Red Delicious'] as const;

/** Feature columns of the apples sample, in order. Only `redness` depends on the variety. */
export const APPLE_FEATURES = [
  'redness',
  'size_mm',
  'weight_g',
  'stem_length_mm',
  'firmness_n',
  'sugar_brix',
  'acidity_ph',
  'seed_count',
  'blemish_count',
  'days_in_storage',
  'tree_age_years',
  'orchard_altitude_m',
] as const;

export const APPLES_DEFAULT_SEED = 7;
export const APPLES_DEFAULT_ROWS = 300;

/** Mean redness per variety (0 = green skin, 1 = deep red) and its spread within a variety. */
const REDNESS_MEAN = [0.15, 0.5, 0.85];
const REDNESS_SD = 0.07;

export interface ApplesOptions {
  /** Seed of the generator; the default gives the bundled sample. */
  seed?: number;
  /** Number of apples (split as evenly as possible over the varieties). */
  rows?: number;
}

const round = (x: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
};

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** One apple of variety `v`: the feature values in {@link APPLE_FEATURES} order. */
function sampleApple(rng: Rng, v: number): number[] {
  const redness = clamp(REDNESS_MEAN[v]! + REDNESS_SD * rng.normal(), 0, 1);
  const size = clamp(75 + 9 * rng.normal(), 50, 100); // diameter, mm
  // A sphere of that diameter at 0.8 g/cm³, plus ±12 g of shape and water-content variation.
  const volumeCm3 = ((Math.PI / 6) * size ** 3) / 1000;
  const weight = Math.max(40, 0.8 * volumeCm3 + 12 * rng.normal());
  const stem = clamp(20 + 6 * rng.normal(), 3, 45);
  const firmness = clamp(70 + 10 * rng.normal(), 30, 110); // penetrometer, newtons
  const sugar = clamp(13 + 1.5 * rng.normal(), 8, 19); // °Brix
  const acidity = clamp(3.5 + 0.2 * rng.normal(), 2.9, 4.2); // pH
  const seeds = 3 + rng.int(8); // 3…10 seeds
  const blemishes = rng.int(7); // 0…6 spots
  const days = rng.int(121); // 0…120 days since harvest
  const treeAge = 4 + rng.int(27); // 4…30 years
  const altitude = 100 + 800 * rng.next(); // orchard altitude, m
  return [
    round(redness, 3),
    round(size, 1),
    round(weight, 1),
    round(stem, 1),
    round(firmness, 1),
    round(sugar, 1),
    round(acidity, 2),
    seeds,
    blemishes,
    days,
    treeAge,
    Math.round(altitude),
  ];
}

/**
 * The "apples" sample: the product's own example of why a learned metric matters.
 *
 * Three varieties ({@link APPLE_VARIETIES}) are told apart by color alone: `redness` (0 = green, 1 = red) is
 * drawn around 0.15, 0.50 or 0.85 with a standard deviation of 0.07, so neighbouring varieties are 5 standard
 * deviations apart on that one feature. The eleven other features are drawn the same way for every variety:
 *
 * - `size_mm` ~ N(75, 9²) clipped to 50…100, and `weight_g` = 0.8 g/cm³ × the volume of a sphere of that
 *   diameter + N(0, 12²) (size and weight are strongly correlated, as in real fruit);
 * - `stem_length_mm` ~ N(20, 6²), `firmness_n` ~ N(70, 10²), `sugar_brix` ~ N(13, 1.5²), `acidity_ph` ~
 *   N(3.5, 0.2²) (each clipped to a plausible range);
 * - `seed_count` uniform on 3…10, `blemish_count` on 0…6, `days_in_storage` on 0…120, `tree_age_years` on
 *   4…30, and `orchard_altitude_m` uniform on 100…900.
 *
 * So on the raw features, Euclidean distance is ruled by altitude (standard deviation ≈ 230 m), weight (≈ 60 g)
 * and storage days (≈ 35) while redness varies by less than 1: kNN is at chance. After z-scoring, the eleven
 * uninformative features still outvote the one informative feature, so kNN stays poor (about 65 % with 3-NN).
 * A diagonal metric that weights redness (what MMC-diagonal or NCA learn) makes kNN nearly perfect (about 99 %).
 * Rows come in a shuffled variety order, a third of them per variety.
 *
 * Deterministic: the same seed and size always give the same dataset, on every platform (uses
 * {@link createRng}). The default (seed {@link APPLES_DEFAULT_SEED}, {@link APPLES_DEFAULT_ROWS} rows) is the
 * bundled sample.
 * @throws RangeError when rows is not an integer ≥ 3.
 */
export function generateApples(options: ApplesOptions = {}): DatasetMatrix {
  const seed = options.seed ?? APPLES_DEFAULT_SEED;
  const n = options.rows ?? APPLES_DEFAULT_ROWS;
  if (!Number.isInteger(n) || n < APPLE_VARIETIES.length) {
    throw new RangeError(`rows must be an integer ≥ ${APPLE_VARIETIES.length}, got ${n}`);
  }
  const rng = createRng(seed);
  const varieties = Array.from({ length: n }, (_, i) => i % APPLE_VARIETIES.length);
  rng.shuffle(varieties);
  const d = APPLE_FEATURES.length;
  const features = new Float64Array(n * d); // (n, d)
  const labels = new Int32Array(n);
  varieties.forEach((v, i) => {
    features.set(sampleApple(rng, v), i * d);
    labels[i] = v;
  });
  return {
    nRows: n,
    nFeatures: d,
    features,
    featureNames: [...APPLE_FEATURES],
    labels,
    classNames: [...APPLE_VARIETIES],
    imageShape: null,
  };
}
