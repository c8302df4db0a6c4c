import type { JobView } from './job-monitor.svelte.ts';

/** "830 ms", "12.4 s", "3 min 5 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** Worker phases in words, where the worker sent no message of its own. */
const PHASES: Record<string, string> = { started: 'Started', fit: 'Fitting', evaluate: 'Evaluating', sweep: 'Sweeping', done: 'Saving the result' };

/**
 * The one line under a job's progress bar, each fact once: what it does now (the worker's message, which
 * may already name the fold), the fold, the iteration, the time spent and the time left. A job waiting for
 * a worker says so and shows no clock (its "0 ms" would read as a running job).
 */
export function progressLine(job: Pick<JobView, 'status' | 'progress'>): string {
  const p = job.progress;
  if (job.status === 'queued' || p?.phase === 'queued') {
    return job.status === 'running' ? 'Starting…' : 'Waiting for a free worker…';
  }
  if (!p) return 'Starting…';
  const parts = [p.message || PHASES[p.phase] || p.phase || 'Working'];
  const fold = p.fold && p.folds ? `fold ${p.fold}/${p.folds}` : null;
  if (fold && !parts[0]!.includes(fold)) parts.push(fold);
  if (p.iteration !== undefined && p.iteration !== null && !parts[0]!.includes('iteration')) parts.push(`iteration ${p.iteration}`);
  // Under half a second the clock says nothing a researcher can use ("0 ms" reads as "stuck").
  if (typeof p.elapsedMs === 'number' && p.elapsedMs >= 500) parts.push(duration(p.elapsedMs));
  if (typeof p.etaMs === 'number' && p.etaMs > 0) parts.push(`about ${duration(p.etaMs)} left`);
  return parts.join(' · ');
}

/**
 * The status a job card shows. A job is "finishing" between the worker's "succeeded" and the moment its
 * stored runs are read back (run history refreshed), so "SUCCEEDED" never shows without its result.
 * @param runStatus status of each of the job's runs in the loaded history (undefined: not loaded yet)
 */
export function shownStatus(job: Pick<JobView, 'status' | 'runIds'>, runStatus: (id: number) => string | undefined): JobView['status'] | 'finishing' {
  if (job.status !== 'succeeded' || job.runIds.length === 0) return job.status;
  return job.runIds.every((id) => runStatus(id) === 'succeeded') ? 'succeeded' : 'finishing';
}
