import type { Backend } from '../backend/backend.ts';
import type { ExportFormat } from '../backend/types.ts';
import { pythonSnippet } from './python-snippet.ts';
import { downloadBytes } from '../app/download.ts';
import { saveOrDownload } from './save-or-download.ts';

/** Turns base64 from export.build into bytes. */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Export of one run in one format: a download in the browser, the native save dialog in the desktop app. */
export class Exporter {
  #backend: Backend;
  runId = $state<number | null>(null);
  format = $state<ExportFormat>('json');
  busy = $state(false);
  message = $state<string | null>(null);
  error = $state<string | null>(null);
  lastFileName = $state<string | null>(null);

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** Back to a fresh dataset: no run chosen (the view then offers the focused one) and no message. */
  reset(): void {
    this.runId = null;
    this.message = null;
    this.error = null;
  }

  readonly snippet = $derived(pythonSnippet(this.format, this.lastFileName ?? defaultName(this.runId, this.format)));

  async download(): Promise<void> {
    if (this.runId === null) {
      this.error = 'Choose a run to export first (runs with a learned metric are listed).';
      return;
    }
    const runId = this.runId;
    await saveOrDownload(
      this,
      this.#backend,
      () => this.#backend.call('export.saveDialog', { runId, format: this.format }),
      async () => {
        const file = await this.#backend.call('export.build', { runId, format: this.format });
        this.lastFileName = file.fileName;
        downloadBytes(base64ToBytes(file.base64), file.mimeType, file.fileName);
        // A browser gives the page no say over (nor knowledge of) the folder: say where it usually goes.
        return (
          `Downloaded ${file.fileName} (${sizeText(base64Bytes(file.base64))}): your browser saved it to its downloads folder ` +
          '(usually Downloads in your home folder; Ctrl+J or ⌘+Shift+J lists recent downloads), unless it asked you where to save it.'
        );
      },
    );
  }
}

/** Number of bytes a base64 string decodes to. */
function base64Bytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, (base64.length / 4) * 3 - padding);
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function defaultName(runId: number | null, format: ExportFormat): string {
  const base = `metric-run-${runId ?? 'N'}`;
  const ext: Record<ExportFormat, string> = { json: 'json', csv: 'csv', npy: 'npy', npz: 'npz', mat: 'mat', transformed: 'transformed.csv' };
  return `${base}.${ext[format]}`;
}
