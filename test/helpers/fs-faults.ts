/**
 * Hostile file systems for the storage and export tests: a small tmpfs that fills up, and folders or files that
 * cannot be written. Root ignores permission bits, so as root a read-only place is a tmpfs remounted read-only
 * (`mount` needs root); otherwise it is chmod 0555 / 0444.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const isRoot = process.getuid?.() === 0;

/** Whether this process can mount a tmpfs (root on Linux, and allowed by the container). */
export const canMount: boolean = (() => {
  if (!isRoot || process.platform !== 'linux') return false;
  const dir = mkdtempSync(join(tmpdir(), 'wb-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

export interface Mounted {
  dir: string;
  /** Remounts it read-only (its files stay readable). */
  readOnly(): void;
  unmount(): void;
}

/** A tmpfs of `bytes` at a new folder (root only; see {@link canMount}). */
export function mountTmpfs(bytes: number, prefix = 'wb-tmpfs-'): Mounted {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
  return {
    dir,
    readOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' }),
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A folder that this process cannot write, after `fill` has put files in it: a read-only tmpfs as root, else
 * chmod 0555. Returns the folder and the function that removes it.
 */
export function readOnlyFolder(fill: (dir: string) => void): { dir: string; remove(): void } {
  if (isRoot) {
    const mounted = mountTmpfs(8 * 1024 * 1024, 'wb-ro-');
    fill(mounted.dir);
    mounted.readOnly();
    return { dir: mounted.dir, remove: mounted.unmount };
  }
  const dir = mkdtempSync(join(tmpdir(), 'wb-ro-'));
  fill(dir);
  chmodSync(dir, 0o555);
  return {
    dir,
    remove: () => {
      chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
