import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';

/** What an export control shows while and after it saves (`$state` fields of the control). */
export interface SaveStatus {
  busy: boolean;
  message: string | null;
  error: string | null;
}

/**
 * One export by a control (metric export, Compare's "Export table"): `status` busy while it runs, its message and error
 * cleared first; in the desktop app `saveDialog` (main's native save dialog and write: "Saved PATH" unless cancelled),
 * in the browser `download`, which offers the file and returns the message to show. A failure becomes "Export failed: …".
 */
export async function saveOrDownload(
  status: SaveStatus,
  backend: Backend,
  saveDialog: () => Promise<{ path: string } | { cancelled: true }>,
  download: () => Promise<string>,
): Promise<void> {
  status.busy = true;
  status.error = null;
  status.message = null;
  try {
    if (backend.mode === 'electron') {
      const result = await saveDialog();
      if ('path' in result) status.message = `Saved ${result.path}`;
      return;
    }
    status.message = await download();
  } catch (error) {
    status.error = `Export failed: ${errorMessage(error)}`;
  } finally {
    status.busy = false;
  }
}
