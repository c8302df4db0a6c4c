/**
 * Slurm: the sbatch script of a bundle, submitting it, and asking `squeue` which array tasks are still queued or
 * running. Slurm is the scheduler; this module only writes its script and runs its commands.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { WorkbenchError } from '../../shared/errors.ts';
import type { BundleManifest } from './bundle.ts';

/** The first `name` on PATH, or null. */
export function findOnPath(name: string, env: Readonly<Record<string, string | undefined>>): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Single-quotes `text` for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The sbatch script of a bundle at `dir` (absolute). */
export function sbatchScript(manifest: BundleManifest, dir: string): string {
  const n = manifest.cells.length;
  const s = manifest.slurm;
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=wb-grid-${manifest.gridId.slice(0, 8)}`,
    `#SBATCH --array=0-${n - 1}%${s.maxParallel}`,
    `#SBATCH --output=${join(dir, 'logs', 'cell-%a.out')}`,
    `#SBATCH --error=${join(dir, 'logs', 'cell-%a.err')}`,
    `#SBATCH --cpus-per-task=${s.cpusPerTask ?? 1}`,
    ...(s.partition ? [`#SBATCH --partition=${s.partition}`] : []),
    ...(s.time ? [`#SBATCH --time=${s.time}`] : []),
    `# Metric Workbench grid ${manifest.gridId}: ${n} cells (${manifest.spec.datasets.length} data sets x ${manifest.spec.methods.length} methods x ${manifest.spec.seeds.length} seeds).`,
    '# Each array task runs one cell and writes results/cell-NNNNN.json (atomically); `workbench grid collect` imports them.',
    'set -euo pipefail',
    `exec ${s.workbench} grid task ${shellQuote(dir)} "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

/**
 * `sbatch --parsable SCRIPT` → the job id.
 * @throws WorkbenchError (INVALID_ARGUMENT) when there is no sbatch, (JOB_FAILED) when sbatch refuses the script.
 */
export function submitScript(script: string, env: Readonly<Record<string, string | undefined>>): string {
  const sbatch = findOnPath('sbatch', env);
  if (!sbatch) throw noSbatch();
  const r = spawnSync(sbatch, ['--parsable', script], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, timeout: 60_000 });
  if (r.status !== 0) {
    throw new WorkbenchError('JOB_FAILED', `sbatch refused the grid script ${script}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
  }
  const id = r.stdout.trim().split(';')[0]!;
  if (!/^\d+$/.test(id)) throw new WorkbenchError('JOB_FAILED', `sbatch answered '${r.stdout.trim()}', not a job id.`);
  return id;
}

export function noSbatch(): WorkbenchError {
  return new WorkbenchError('INVALID_ARGUMENT', 'No Slurm here: sbatch is not on PATH. Run the grid on this machine with `workbench grid run` instead.');
}

/**
 * The array task indices of job `jobId` that Slurm still has queued or running (`squeue -r`), or null when
 * squeue is not available or does not answer (then nothing can be said about tasks without a result).
 */
export function activeTasks(jobId: string, env: Readonly<Record<string, string | undefined>>): Set<number> | null {
  const squeue = findOnPath('squeue', env);
  if (!squeue) return null;
  const r = spawnSync(squeue, ['-h', '-r', '-j', jobId, '-o', '%K %T'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, timeout: 30_000 });
  // squeue exits non-zero for a job id it has forgotten ("Invalid job id specified"): no task is active then.
  if (r.error) return null;
  if (r.status !== 0) return /invalid job id/i.test(r.stderr) ? new Set() : null;
  const active = new Set<number>();
  for (const line of r.stdout.split('\n')) {
    const task = Number(line.trim().split(/\s+/)[0]);
    if (line.trim() !== '' && Number.isInteger(task)) active.add(task);
  }
  return active;
}

/**
 * Final Slurm states of the array tasks of job `jobId` from accounting (`sacct`), e.g. {3: 'TIMEOUT'}; empty when
 * sacct is missing or accounting is disabled (as on the single-node test cluster).
 */
export function finalStates(jobId: string, env: Readonly<Record<string, string | undefined>>): Map<number, string> {
  const states = new Map<number, string>();
  const sacct = findOnPath('sacct', env);
  if (!sacct) return states;
  const r = spawnSync(sacct, ['-n', '-P', '-X', '-j', jobId, '-o', 'JobID,State'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, timeout: 30_000 });
  if (r.error || r.status !== 0) return states;
  for (const line of r.stdout.split('\n')) {
    const match = /^\d+_(\d+)\|(\S+)/.exec(line.trim());
    if (match) states.set(Number(match[1]), match[2]!);
  }
  return states;
}
