import { REPORT_FORMATS, type ReportFormat } from '../../../../shared/domain/enums.ts';
import type { Backend } from '../backend/backend.ts';
import { downloadBytes } from '../app/download.ts';
import { saveOrDownload } from '../export/save-or-download.ts';

/** What each report format is called in the "Export table" control. */
export const REPORT_FORMAT_TITLES: Record<ReportFormat, string> = {
  tex: 'LaTeX (booktabs)',
  md: 'Markdown',
  csv: 'CSV (table)',
  'tidy-csv': 'CSV (per fold, tidy)',
};

export { REPORT_FORMATS };

/**
 * "Export table" in Compare: the shown runs as a comparison report (`runs.report`), as metric export does it: a
 * download in the browser, the native save dialog in the desktop app (`runs.reportSaveDialog`).
 */
export class TableExport {
  #backend: Backend;
  format = $state<ReportFormat>('tex');
  busy = $state(false);
  message = $state<string | null>(null);
  error = $state<string | null>(null);

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  async save(runIds: readonly number[]): Promise<void> {
    if (runIds.length === 0) {
      this.error = 'Tick at least one evaluation to export.';
      return;
    }
    await saveOrDownload(
      this,
      this.#backend,
      () => this.#backend.call('runs.reportSaveDialog', { runIds: [...runIds], format: this.format }),
      async () => {
        const file = await this.#backend.call('runs.report', { runIds: [...runIds], format: this.format });
        downloadBytes(new TextEncoder().encode(file.text), file.mimeType, file.fileName);
        return `Downloaded ${file.fileName} (to your browser's downloads folder unless it asked where to save it).`;
      },
    );
  }
}
