/**
 * What an import worker computes: parses a data file (src-main/import) or loads a bundled sample into a
 * {@link ParsedDataset}. No SQLite and no worker API, so it is testable in-process; the worker host (worker-host.ts)
 * runs it and transfers the result's buffers to the main thread, which stores it (services/datasets.ts).
 */
import { JobCancelledError } from '../../shared/errors.ts';
import { importFile } from '../import/index.ts';
import type { ParsedDataset } from '../import/types.ts';
import { loadSample } from '../samples/index.ts';
import type { ImportSource } from './types.ts';

/** The message of the JobCancelledError a cancelled import ends with, in-process or in a worker. */
export const IMPORT_CANCELLED_MESSAGE = 'The import was cancelled; nothing was stored.';

/**
 * Parses `source`, calling `onProgress(fraction of bytes read)` as the file is read; stops with
 * JobCancelledError at the next progress report once `shouldStop()` is true.
 * @throws ImportError / NotFoundError exactly as the in-process importFile / loadSample do.
 */
export async function executeImport(
  source: ImportSource,
  shouldStop: () => boolean,
  onProgress: (fraction: number) => void,
): Promise<ParsedDataset> {
  const check = (): void => {
    if (shouldStop()) throw new JobCancelledError(IMPORT_CANCELLED_MESSAGE);
  };
  const progress = (fraction: number): void => {
    check();
    onProgress(fraction);
  };
  check();
  const parsed =
    source.kind === 'sample'
      ? await loadSample(source.name, { onProgress: progress })
      : await importFile(source.path, { ...source.options, onProgress: progress });
  check();
  return parsed;
}

/** The distinct ArrayBuffers behind a parsed dataset's features and labels: moved to main, not copied. */
export function parsedTransferList(parsed: ParsedDataset): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const array of [parsed.matrix.features, parsed.matrix.labels]) {
    if (array && array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  }
  return [...buffers];
}
