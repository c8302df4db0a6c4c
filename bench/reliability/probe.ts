/**
 * One hostile-environment probe of the reliability script (bench/reliability.ts): what it found before the fixes,
 * in words, and a run against this build.
 */
export interface Probe {
  /** The probe's number in the reliability list (1–9). */
  item: number;
  name: string;
  /** What the probe found before the fixes (as measured when it was filed). */
  before: string;
  /** Runs the probe against this build: `after` says what happened now, `ok` whether it holds; `skipped` gives the reason when it cannot run here. */
  run(): Promise<{ after: string; ok: boolean; skipped?: string }>;
}
