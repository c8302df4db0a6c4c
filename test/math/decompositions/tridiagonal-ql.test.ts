import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { qlRotationBlocks, qlRotationKernel, symmetricEigenQl, type QlRotationArgs, type RotationTeam } from '../../../shared/math/decompositions/tridiagonal-ql.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';
import { SIMD_MIN_ORDER } from '../../../shared/math/wasm/eigen-kernels.ts';
import { withSpectrum } from '../../engine/fixtures.ts';

/** A symmetric (n, n) with standard normal entries. */
function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) S[i * n + j] = S[j * n + i] = rng.normal();
  return S;
}

/** ml-matrix's EigenvalueDecomposition (JAMA's tred2 + tql2): eigenvalues ascending, V (n, n) column j their vectors. */
function reference(S: Float64Array, n: number): { values: number[]; V: Matrix } {
  const evd = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(S.subarray(i * n, (i + 1) * n)))), { assumeSymmetric: true });
  return { values: evd.realEigenvalues, V: evd.eigenvectorMatrix };
}

/** max |V·diag(λ)·Vᵀ − S| and max |VᵀV − I|, V column j = vectors[i·n + j]. */
function quality(S: Float64Array, n: number, values: Float64Array, vectors: Float64Array) {
  let reconstruction = 0;
  let orthogonality = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      let r = 0;
      let o = 0;
      for (let j = 0; j < n; j++) {
        r += vectors[i * n + j]! * values[j]! * vectors[k * n + j]!;
        o += vectors[j * n + i]! * vectors[j * n + k]!;
      }
      reconstruction = Math.max(reconstruction, Math.abs(r - S[i * n + k]!));
      orthogonality = Math.max(orthogonality, Math.abs(o - (i === k ? 1 : 0)));
    }
  }
  return { reconstruction, orthogonality };
}

/**
 * A team of `threads` simulated threads: each has its own kernel state, and the blocks run last to first, dealt
 * round-robin — another schedule than one thread's, over the same partition.
 */
function scheduledTeam(threads: number): RotationTeam & { blocksRun: number } {
  const team = {
    blocksRun: 0,
    shared: <T extends Float64Array | Int32Array>(array: T): T => array,
    alloc: (length: number) => new Float64Array(length),
    runBlocks(args: QlRotationArgs, blocks: number): void {
      const states = Array.from({ length: threads }, () => qlRotationKernel.prepare(args));
      for (let b = blocks - 1; b >= 0; b--) qlRotationKernel.run(states[b % threads]!, b);
      team.blocksRun += blocks;
    },
  };
  return team;
}

const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe("symmetricEigenQl: the complete decomposition, against ml-matrix's EigenvalueDecomposition", () => {
  it.each([1, 2, 3, 10, 63, SIMD_MIN_ORDER + 7, 150])('random symmetric, n = %i: eigenvalues, vectors up to sign, V·Λ·Vᵀ = S, VᵀV = I', (n) => {
    const S = randomSymmetric(n, n);
    const { values, vectors } = symmetricEigenQl(S, n);
    const ref = reference(S, n);
    const scale = Math.max(maxAbs(ref.values), 1);
    for (let j = 0; j < n; j++) expect(Math.abs(values[j]! - ref.values[j]!)).toBeLessThan(1e-10 * scale);
    for (let j = 1; j < n; j++) expect(values[j]!).toBeGreaterThanOrEqual(values[j - 1]!);
    // The eigenvalues of a random matrix are distinct, so each vector is determined up to its sign.
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += vectors[i * n + j]! * ref.V.get(i, j);
      const sign = dot < 0 ? -1 : 1;
      for (let i = 0; i < n; i++) expect(Math.abs(vectors[i * n + j]! - sign * ref.V.get(i, j))).toBeLessThan(1e-8);
    }
    const q = quality(S, n, values, vectors);
    expect(q.reconstruction).toBeLessThan(1e-12 * scale * n);
    expect(q.orthogonality).toBeLessThan(1e-13 * n);
  });

  it('repeated eigenvalues: the right multiplicities, an orthonormal basis of each eigenspace', () => {
    const spectrum = [3, 1, 1, 1, 2, 2, -4, 3, 0, 0];
    const n = spectrum.length;
    const S = withSpectrum(spectrum, 17);
    const { values, vectors } = symmetricEigenQl(S, n);
    const sorted = [...spectrum].sort((a, b) => a - b);
    for (let j = 0; j < n; j++) expect(values[j]).toBeCloseTo(sorted[j]!, 12);
    const q = quality(S, n, values, vectors);
    expect(q.reconstruction).toBeLessThan(1e-12);
    expect(q.orthogonality).toBeLessThan(1e-13);
    // Each vector is an eigenvector: S·v = λ·v.
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let l = 0; l < n; l++) s += S[i * n + l]! * vectors[l * n + j]!;
        expect(Math.abs(s - values[j]! * vectors[i * n + j]!)).toBeLessThan(1e-12);
      }
    }
  });

  it('repeated eigenvalues at SIMD size (a covariance-like spectrum with a 40-fold eigenvalue)', () => {
    const spectrum = Array.from({ length: 90 }, (_, j) => (j < 40 ? 0.5 : 1 + j));
    const S = withSpectrum(spectrum, 3);
    const { values, vectors } = symmetricEigenQl(S, 90);
    for (let j = 0; j < 40; j++) expect(values[j]).toBeCloseTo(0.5, 11);
    const q = quality(S, 90, values, vectors);
    expect(q.reconstruction).toBeLessThan(1e-11);
    expect(q.orthogonality).toBeLessThan(1e-12);
  });

  it('diagonal, identity and zero matrices, and 1 × 1 / 2 × 2 in closed form', () => {
    const D = new Float64Array(9);
    [5, -2, 7].forEach((v, i) => (D[i * 4] = v));
    const d = symmetricEigenQl(D, 3);
    expect(Array.from(d.values)).toEqual([-2, 5, 7]);
    expect(Array.from(d.vectors).map(Math.abs)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    const I = new Float64Array(16);
    for (let i = 0; i < 4; i++) I[i * 5] = 1;
    expect(Array.from(symmetricEigenQl(I, 4).values)).toEqual([1, 1, 1, 1]);
    expect(Array.from(symmetricEigenQl(new Float64Array(9), 3).values)).toEqual([0, 0, 0]);
    expect(Array.from(symmetricEigenQl(Float64Array.of(-3), 1).values)).toEqual([-3]);
    expect(Array.from(symmetricEigenQl(Float64Array.of(-3), 1).vectors)).toEqual([1]);
    // [[2, 1], [1, 2]]: eigenvalues 1 and 3, vectors (1, −1)/√2 and (1, 1)/√2.
    const two = symmetricEigenQl(Float64Array.of(2, 1, 1, 2), 2);
    expect(two.values[0]).toBeCloseTo(1, 14);
    expect(two.values[1]).toBeCloseTo(3, 14);
    expect(Math.abs(two.vectors[0]! + two.vectors[2]!)).toBeLessThan(1e-15);
    expect(Math.abs(two.vectors[1]! - two.vectors[3]!)).toBeLessThan(1e-15);
    expect(symmetricEigenQl(new Float64Array(0), 0)).toEqual({ values: new Float64Array(0), vectors: new Float64Array(0) });
  });

  it('scales: S·10^±150 has the eigenvalues of S times 10^±150; a non-finite entry gives NaN, not a hang', () => {
    const n = 12;
    const S = randomSymmetric(n, 8);
    const base = symmetricEigenQl(S, n).values;
    for (const factor of [1e-150, 1e150]) {
      const scaled = symmetricEigenQl(S.map((v) => v * factor), n).values;
      for (let j = 0; j < n; j++) expect(Math.abs(scaled[j]! / factor - base[j]!)).toBeLessThan(1e-12 * maxAbs(base));
    }
    const broken = S.slice();
    broken[5] = broken[n * 5] = Number.NaN;
    expect(symmetricEigenQl(broken, n).values.some(Number.isNaN)).toBe(true);
  });

  it('symmetrises its input, and leaves it unchanged', () => {
    const S = randomSymmetric(5, 2);
    const skewed = S.slice();
    skewed[1] = skewed[1]! + 1e-3;
    skewed[5] = skewed[5]! - 1e-3;
    const copy = skewed.slice();
    expect(Array.from(symmetricEigenQl(skewed, 5).values)).toEqual(Array.from(symmetricEigenQl(S, 5).values));
    expect(Array.from(skewed)).toEqual(Array.from(copy));
  });

  it('gives the same bits with and without WebAssembly SIMD, and on every call', () => {
    const n = SIMD_MIN_ORDER + 13;
    const S = randomSymmetric(n, 5);
    const simd = symmetricEigenQl(S, n);
    const plain = symmetricEigenQl(S, n, false);
    const again = symmetricEigenQl(S, n);
    expect(Array.from(simd.values)).toEqual(Array.from(plain.values));
    expect(Array.from(simd.vectors)).toEqual(Array.from(plain.vectors));
    expect(Array.from(again.vectors)).toEqual(Array.from(simd.vectors));
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => symmetricEigenQl(new Float64Array(5), 2)).toThrow(new RangeError('symmetricEigenQl: expected an 2×2 matrix (4 entries), got 5 entries.'));
  });

  it.each([130, 201])('n = %i: the rotations over column blocks on a team of 1, 2 and 3 threads give the bits of one thread', (n) => {
    const S = randomSymmetric(n, 3 * n);
    for (const preferSimd of [true, false]) {
      const alone = symmetricEigenQl(S, n, preferSimd);
      for (const threads of [1, 2, 3]) {
        const team = scheduledTeam(threads);
        const shared = symmetricEigenQl(S, n, preferSimd, team);
        expect(team.blocksRun).toBe(qlRotationBlocks(n));
        expect(bytes(shared.values).equals(bytes(alone.values))).toBe(true);
        expect(bytes(shared.vectors).equals(bytes(alone.vectors))).toBe(true);
      }
    }
  });
});
