import { zipSync, type Zippable } from 'fflate';
import { writeNpy } from './npy.ts';

/** One named array: row-major data and its shape. */
export interface NamedArray {
  data: ArrayLike<number>;
  shape: readonly number[];
}

export interface NpzOptions {
  /** Deflate the members (numpy's `savez_compressed`); default false = stored (`savez`). */
  compress?: boolean;
  /** Modification time written into the zip entries; default 2000-01-01 so equal inputs give equal bytes. */
  mtime?: Date;
}

/**
 * A `.npz` file: a zip archive with one `<name>.npy` member per array, which is what `np.savez` writes and
 * `np.load(path)[name]` reads. Members are stored (or deflated with `compress: true`); the output is
 * deterministic for a fixed `mtime`.
 */
export function writeNpz(arrays: Record<string, NamedArray>, options: NpzOptions = {}): Uint8Array {
  const files: Zippable = {};
  for (const [name, array] of Object.entries(arrays)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new TypeError(`writeNpz: array name '${name}' must be a Python identifier.`);
    }
    files[`${name}.npy`] = writeNpy(array.data, array.shape);
  }
  return zipSync(files, {
    level: options.compress ? 6 : 0,
    mtime: options.mtime ?? new Date(2000, 0, 1),
  });
}
