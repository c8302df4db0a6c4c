/**
 * Limited-memory BFGS (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Alg. 7.4 and 7.5) with a
 * strong-Wolfe line search (Alg. 3.5 "bracket" and 3.6 "zoom", safeguarded cubic interpolation).
 *
 * {@link LbfgsState} runs one iteration at a time; the caller owns the loop and its stopping rules (scipy's relative
 * reduction, {@link relativeReduction}, and max |∇f|, {@link maxAbs}: see the drivers in engine/learners/common.ts),
 * which lets an objective change between phases (e.g. NCA's truncated softmax, whose candidate lists are refreshed
 * every few iterations): call {@link LbfgsState.setObjective} to switch to the new function at the current point,
 * keeping the curvature pairs (they describe a nearby function) unless told otherwise.
 *
 * An objective writes ∇f(x) into `gradient` and returns f(x); it must not keep references to `x`
 * (the optimizer reuses its buffers). All vectors are flat `Float64Array`s of one length.
 */

/** f(x), with ∇f(x) written into `gradient` (same length as x). */
export type ObjectiveWithGradient = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsConfig {
  /** Number of curvature pairs (s, y) kept; scipy's `maxcor`. Default 10. */
  memory?: number;
  /** Sufficient-decrease constant of the Wolfe conditions. Default 1e-4. */
  c1?: number;
  /** Curvature constant of the strong Wolfe conditions. Default 0.9. */
  c2?: number;
  /** Most objective evaluations one line search may spend. Default 20. */
  maxLineSearchEvaluations?: number;
  /**
   * Bound on one step's length relative to the point: ‖x₊ − x‖ ≤ maxStepRatio·max(‖x‖, 1) (the line search's
   * α_max, N&W Alg. 3.5). Default ∞ (unbounded). With 1 a step at most doubles ‖x‖, which keeps an objective that
   * improves with scale (NCA's softmax) from being extrapolated into saturation in one line search.
   */
  maxStepRatio?: number;
}

/** What one {@link LbfgsState.step} did. */
export interface LbfgsStep {
  /** `ok`: a step satisfying the sufficient-decrease condition was taken. `failed`: none was found (x unchanged). */
  status: 'ok' | 'failed';
  /** f before the step. */
  previousValue: number;
  /** f after the step (equal to previousValue when it failed). */
  value: number;
  /** Objective evaluations spent in this step. */
  evaluations: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** max |gᵢ|, scipy's projected-gradient norm for an unconstrained problem. */
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}

/**
 * Minimizer of the cubic that interpolates (a, fa, ga) and (b, fb, gb); falls back to the bisection
 * point when the cubic has no real minimizer. The caller keeps the result inside a safe interval.
 */
function cubicMinimizer(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  if (!(disc >= 0)) return (a + b) / 2;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  const denom = gb - ga + 2 * d2;
  if (denom === 0) return (a + b) / 2;
  const t = b - (b - a) * ((gb + d2 - d1) / denom);
  return Number.isFinite(t) ? t : (a + b) / 2;
}

/**
 * The optimizer's state: current point, value, gradient and the curvature pairs. `x`, `value` and
 * `gradient` always describe the current objective at the current point.
 */
export class LbfgsState {
  /** Current point (owned by the state; copy it to keep it). */
  readonly x: Float64Array;
  /** ∇f at {@link x}. */
  readonly gradient: Float64Array;
  /** f at {@link x}. */
  value: number;
  /** Objective evaluations so far, over every phase. */
  evaluations = 0;

  private objective: ObjectiveWithGradient;
  private readonly n: number;
  private readonly memory: number;
  private readonly c1: number;
  private readonly c2: number;
  private readonly maxLs: number;
  private readonly maxStepRatio: number;
  private readonly sList: Float64Array[] = [];
  private readonly yList: Float64Array[] = [];
  private readonly rhoList: number[] = [];
  private readonly direction: Float64Array;
  private readonly alphaBuf: Float64Array;
  private readonly trialX: Float64Array;
  private readonly trialG: Float64Array;
  private readonly bestX: Float64Array;
  private readonly bestG: Float64Array;
  /** f at bestX: the point the running line search will accept. */
  private bestValue = Number.POSITIVE_INFINITY;

  constructor(objective: ObjectiveWithGradient, x0: Float64Array, config: LbfgsConfig = {}) {
    this.n = x0.length;
    this.memory = config.memory ?? 10;
    this.c1 = config.c1 ?? 1e-4;
    this.c2 = config.c2 ?? 0.9;
    this.maxLs = config.maxLineSearchEvaluations ?? 20;
    this.maxStepRatio = config.maxStepRatio ?? Number.POSITIVE_INFINITY;
    if (!(this.maxStepRatio > 0)) throw new RangeError(`lbfgs: maxStepRatio must be > 0, got ${this.maxStepRatio}.`);
    if (!(this.memory >= 1)) throw new RangeError(`lbfgs: memory must be ≥ 1, got ${this.memory}.`);
    if (!(this.c1 > 0 && this.c1 < this.c2 && this.c2 < 1)) {
      throw new RangeError(`lbfgs: need 0 < c1 < c2 < 1, got c1 = ${this.c1}, c2 = ${this.c2}.`);
    }
    this.objective = objective;
    this.x = Float64Array.from(x0);
    this.gradient = new Float64Array(this.n);
    this.direction = new Float64Array(this.n);
    this.alphaBuf = new Float64Array(this.memory);
    this.trialX = new Float64Array(this.n);
    this.trialG = new Float64Array(this.n);
    this.bestX = new Float64Array(this.n);
    this.bestG = new Float64Array(this.n);
    this.value = this.evaluate(this.x, this.gradient);
  }

  private evaluate(x: Float64Array, g: Float64Array): number {
    this.evaluations++;
    const f = objectiveValue(this.objective(x, g));
    return f;
  }

  /** Number of curvature pairs currently held. */
  get pairs(): number {
    return this.sList.length;
  }

  /** Forgets the curvature pairs (the next direction is steepest descent). */
  resetMemory(): void {
    this.sList.length = 0;
    this.yList.length = 0;
    this.rhoList.length = 0;
  }

  /**
   * Switches to a new objective and re-evaluates value and gradient at the current point. The curvature
   * pairs are kept when `keepMemory` (default true): they are a fair model of a nearby function.
   * With `reevaluate` false the caller asserts that the new objective has the same value and gradient at the
   * current point as the old one (e.g. it only added terms that are zero there), and no evaluation is spent.
   */
  setObjective(objective: ObjectiveWithGradient, keepMemory = true, reevaluate = true): void {
    this.objective = objective;
    if (!keepMemory) this.resetMemory();
    if (reevaluate) this.value = this.evaluate(this.x, this.gradient);
  }

  /** d = −H·g by the two-loop recursion, H₀ = (sᵀy / yᵀy)·I (or a scaled identity with no pairs). */
  private computeDirection(): void {
    const d = this.direction;
    const g = this.gradient;
    for (let i = 0; i < this.n; i++) d[i] = -g[i]!;
    const m = this.sList.length;
    for (let j = m - 1; j >= 0; j--) {
      const s = this.sList[j]!;
      const y = this.yList[j]!;
      const a = this.rhoList[j]! * dot(s, d);
      this.alphaBuf[j] = a;
      for (let i = 0; i < this.n; i++) d[i]! -= a * y[i]!;
    }
    if (m > 0) {
      const s = this.sList[m - 1]!;
      const y = this.yList[m - 1]!;
      const gamma = dot(s, y) / dot(y, y);
      for (let i = 0; i < this.n; i++) d[i]! *= gamma;
    }
    for (let j = 0; j < m; j++) {
      const s = this.sList[j]!;
      const y = this.yList[j]!;
      const b = this.rhoList[j]! * dot(y, d);
      const coef = this.alphaBuf[j]! - b;
      for (let i = 0; i < this.n; i++) d[i]! += coef * s[i]!;
    }
  }

  /**
   * One L-BFGS iteration: direction, strong-Wolfe line search, curvature update. When the quasi-Newton
   * direction is not a descent direction or its line search fails, the memory is dropped and steepest
   * descent is tried once; `failed` means no decrease could be found (a stationary point, to rounding).
   */
  step(): LbfgsStep {
    const previousValue = this.value;
    const before = this.evaluations;
    for (let attempt = 0; attempt < 2; attempt++) {
      this.computeDirection();
      const slope = dot(this.gradient, this.direction);
      if (!(slope < 0)) {
        if (this.sList.length === 0) break;
        this.resetMemory();
        continue;
      }
      // First step of a fresh memory: scipy's 1/‖d‖ (capped at 1), so the first trial moves by at most 1.
      const dnorm = Math.sqrt(dot(this.direction, this.direction));
      const alphaMax = (this.maxStepRatio * Math.max(Math.sqrt(dot(this.x, this.x)), 1)) / dnorm;
      const alpha0 = Math.min(this.sList.length === 0 ? Math.min(1, 1 / dnorm) : 1, alphaMax);
      const alpha = this.lineSearch(slope, alpha0, alphaMax);
      if (alpha > 0) {
        // Accept: s = α·d, y = g₊ − g.
        const s = this.sList.length === this.memory ? this.sList.shift()! : new Float64Array(this.n);
        const y = this.yList.length === this.memory ? this.yList.shift()! : new Float64Array(this.n);
        if (this.rhoList.length === this.memory) this.rhoList.shift();
        for (let i = 0; i < this.n; i++) {
          s[i] = this.bestX[i]! - this.x[i]!;
          y[i] = this.bestG[i]! - this.gradient[i]!;
        }
        this.x.set(this.bestX);
        this.gradient.set(this.bestG);
        this.value = this.bestValue;
        const sy = dot(s, y);
        if (sy > 1e-10 * Math.sqrt(dot(y, y) * dot(s, s)) && sy > 0) {
          this.sList.push(s);
          this.yList.push(y);
          this.rhoList.push(1 / sy);
        }
        return { status: 'ok', previousValue, value: this.value, evaluations: this.evaluations - before };
      }
      if (this.sList.length === 0) break;
      this.resetMemory();
    }
    return { status: 'failed', previousValue, value: this.value, evaluations: this.evaluations - before };
  }

  /** φ(α) = f(x + α·d) and φ'(α) = ∇f(x + α·d)ᵀd, evaluated into the trial buffers. */
  private phi(alpha: number): { f: number; slope: number } {
    const { x, direction: d, trialX, trialG } = this;
    for (let i = 0; i < this.n; i++) trialX[i] = x[i]! + alpha * d[i]!;
    const f = this.evaluate(trialX, trialG);
    return { f, slope: dot(trialG, d) };
  }

  private remember(f: number): void {
    this.bestValue = f;
    this.bestX.set(this.trialX);
    this.bestG.set(this.trialG);
  }

  /**
   * Strong-Wolfe line search along `direction` (N&W Alg. 3.5 + 3.6). Returns the accepted step (the
   * point is left in bestX/bestG/bestValue), or 0 when no step with sufficient decrease was found within
   * the evaluation budget. If the budget runs out after a sufficient decrease was seen, that point is taken.
   * Extrapolation stops at `alphaMax`, which is accepted when it decreases f sufficiently and f still descends there.
   */
  private lineSearch(slope0: number, alpha0: number, alphaMax: number): number {
    const f0 = this.value;
    const { c1, c2 } = this;
    let budget = this.maxLs;
    // Best point with sufficient decrease seen so far (fallback when the budget runs out).
    let fallbackAlpha = 0;
    let fallbackF = Number.POSITIVE_INFINITY;
    const tryAlpha = (alpha: number) => {
      budget--;
      const r = this.phi(alpha);
      if (Number.isFinite(r.f) && r.f <= f0 + c1 * alpha * slope0 && r.f < fallbackF) {
        fallbackAlpha = alpha;
        fallbackF = r.f;
        this.remember(r.f);
      }
      return r;
    };
    const finish = (alpha: number, f: number): number => {
      // The last trial is the accepted one: make sure it is the remembered point.
      if (fallbackAlpha !== alpha || fallbackF !== f) this.remember(f);
      return alpha;
    };

    const zoom = (lo: number, fLo: number, gLo: number, hi: number, fHi: number, gHi: number): number => {
      while (budget > 0) {
        const width = hi - lo;
        let alpha = cubicMinimizer(lo, fLo, gLo, hi, fHi, gHi);
        const minA = Math.min(lo, hi) + 0.1 * Math.abs(width);
        const maxA = Math.max(lo, hi) - 0.1 * Math.abs(width);
        if (!(alpha >= minA && alpha <= maxA)) alpha = (lo + hi) / 2;
        if (Math.abs(width) < 1e-16 * Math.max(1, Math.abs(lo))) break;
        const r = tryAlpha(alpha);
        if (!Number.isFinite(r.f) || r.f > f0 + c1 * alpha * slope0 || r.f >= fLo) {
          hi = alpha;
          fHi = r.f;
          gHi = Number.isFinite(r.slope) ? r.slope : gHi;
        } else {
          if (Math.abs(r.slope) <= -c2 * slope0) return finish(alpha, r.f);
          if (r.slope * (hi - lo) >= 0) {
            hi = lo;
            fHi = fLo;
            gHi = gLo;
          }
          lo = alpha;
          fLo = r.f;
          gLo = r.slope;
        }
      }
      return fallbackAlpha;
    };

    let prevAlpha = 0;
    let prevF = f0;
    let prevSlope = slope0;
    let alpha = alpha0;
    for (let i = 0; budget > 0; i++) {
      const r = tryAlpha(alpha);
      if (!Number.isFinite(r.f)) {
        // Overshot into overflow: shrink towards the last good step.
        alpha = prevAlpha + (alpha - prevAlpha) / 4;
        continue;
      }
      if (r.f > f0 + c1 * alpha * slope0 || (i > 0 && r.f >= prevF)) {
        return zoom(prevAlpha, prevF, prevSlope, alpha, r.f, r.slope);
      }
      if (Math.abs(r.slope) <= -c2 * slope0) return finish(alpha, r.f);
      if (r.slope >= 0) return zoom(alpha, r.f, r.slope, prevAlpha, prevF, prevSlope);
      if (alpha >= alphaMax) return finish(alpha, r.f);
      // Still descending steeply: extrapolate (cubic step, kept within [2α, 4α] so a short direction grows fast).
      const next = cubicMinimizer(prevAlpha, prevF, prevSlope, alpha, r.f, r.slope);
      prevAlpha = alpha;
      prevF = r.f;
      prevSlope = r.slope;
      alpha = Math.min(Math.max(next, 2 * alpha), 4 * alpha, alphaMax);
    }
    return fallbackAlpha;
  }
}

function objectiveValue(f: number): number {
  return Number.isNaN(f) ? Number.POSITIVE_INFINITY : f;
}

/** scipy's relative-reduction test. */
export function relativeReduction(previous: number, current: number): number {
  return (previous - current) / Math.max(Math.abs(previous), Math.abs(current), 1);
}
