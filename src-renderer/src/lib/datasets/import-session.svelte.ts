import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { DatasetPreview, DatasetSummary, FileRef, ImportOptions } from '../backend/types.ts';

/**
 * The label column choice: detect, none (unlabeled), a column of class labels, or a numeric column as the regression
 * target (0-based indices into the preview's columns).
 */
export type LabelChoice = { kind: 'detect' } | { kind: 'none' } | { kind: 'column'; index: number } | { kind: 'target'; index: number };

/**
 * One import in progress: a file → preview (format, columns, first rows, issues) → options → import.
 * Each change of an option asks main for a fresh preview, so what the user sees is what will be stored.
 */
export class ImportSession {
  #backend: Backend;
  file = $state.raw<FileRef | null>(null);
  preview = $state.raw<DatasetPreview | null>(null);
  name = $state('');
  label = $state.raw<LabelChoice>({ kind: 'detect' });
  format = $state<ImportOptions['format'] | 'detect'>('detect');
  dropMissing = $state(false);
  /** CSV/TSV/ARFF/LIBSVM: the file's text encoding; utf-8 (the default) is read strictly. */
  encoding = $state('utf-8');
  /** npy / IDX: the labels come from this second file (e.g. train-labels-idx1-ubyte.gz), or null. */
  labelsFile = $state.raw<FileRef | null>(null);
  /** 0…1 while uploading, null otherwise. */
  uploadProgress = $state<number | null>(null);
  status = $state<'idle' | 'uploading' | 'previewing' | 'importing' | 'done'>('idle');
  error = $state<string | null>(null);
  warnings = $state.raw<string[]>([]);
  /** Name of the dataset the last import created (shown until the next file). */
  imported = $state<string | null>(null);
  /** The open dataset the last import left open (the import being a possible test set for it), or null. */
  keptOpen = $state.raw<{ openId: number; open: string; imported: DatasetSummary } | null>(null);

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  readonly canImport = $derived(
    this.preview !== null && this.preview.errors.length === 0 && this.status !== 'importing' && this.status !== 'uploading',
  );

  options(): ImportOptions {
    const options: ImportOptions = {};
    if (this.format !== 'detect' && this.format) options.format = this.format;
    if (this.labelsFile) {
      // The labels file replaces any label column.
      options.labelsFileId = this.labelsFile.fileId;
    } else {
      if (this.label.kind === 'none') options.label = null;
      if (this.label.kind === 'column') options.label = this.label.index;
      if (this.label.kind === 'target') options.target = this.label.index;
    }
    if (this.dropMissing) options.dropMissing = true;
    if (this.encoding !== 'utf-8') options.encoding = this.encoding;
    return options;
  }

  reset(): void {
    this.file = null;
    this.preview = null;
    this.name = '';
    this.label = { kind: 'detect' };
    this.format = 'detect';
    this.dropMissing = false;
    this.encoding = 'utf-8';
    this.labelsFile = null;
    this.status = 'idle';
    this.error = null;
    this.warnings = [];
    this.imported = null;
    this.keptOpen = null;
  }

  /** Browser: a File from an input or a drop. */
  async useFile(file: File): Promise<void> {
    this.reset();
    this.status = 'uploading';
    this.uploadProgress = 0;
    try {
      const ref = await this.#backend.upload(file, (f) => (this.uploadProgress = f));
      this.file = ref;
      this.name = file.name.replace(/\.[^.]+$/, '');
      await this.refreshPreview();
    } catch (error) {
      this.status = 'idle';
      this.error = `Could not read ${file.name}: ${errorMessage(error)}`;
    } finally {
      this.uploadProgress = null;
    }
  }

  /** Desktop: the native open dialog in main. Returns false when the user cancelled. */
  async chooseWithDialog(): Promise<boolean> {
    try {
      const result = await this.#backend.call('files.openDialog', { purpose: 'dataset' });
      if ('cancelled' in result) return false;
      this.reset();
      this.file = result;
      this.name = result.name.replace(/\.[^.]+$/, '');
      await this.refreshPreview();
      return true;
    } catch (error) {
      this.error = `Could not open the file: ${errorMessage(error)}`;
      return false;
    }
  }

  /** Whether the file takes its labels from a second file: npy and IDX arrays have no named label column. */
  get wantsLabelsFile(): boolean {
    const format = this.preview?.format;
    return format === 'idx' || format === 'npy';
  }

  /** Browser: the labels file for an npy / IDX import, uploaded like the data file. */
  async useLabelsFile(file: File): Promise<void> {
    this.error = null;
    try {
      this.labelsFile = await this.#backend.upload(file);
      await this.refreshPreview();
    } catch (error) {
      this.error = `Could not read ${file.name}: ${errorMessage(error)}`;
    }
  }

  /** Desktop: the labels file from the native open dialog. Returns false when the user cancelled. */
  async chooseLabelsWithDialog(): Promise<boolean> {
    try {
      const result = await this.#backend.call('files.openDialog', { purpose: 'dataset' });
      if ('cancelled' in result) return false;
      this.labelsFile = result;
      await this.refreshPreview();
      return true;
    } catch (error) {
      this.error = `Could not open the file: ${errorMessage(error)}`;
      return false;
    }
  }

  async clearLabelsFile(): Promise<void> {
    this.labelsFile = null;
    this.label = { kind: 'detect' };
    await this.refreshPreview();
  }

  async refreshPreview(): Promise<void> {
    if (!this.file) return;
    this.status = 'previewing';
    this.error = null;
    try {
      const { preview } = await this.#backend.call('datasets.preview', { fileId: this.file.fileId, options: this.options() });
      this.preview = preview;
      if (this.label.kind === 'detect' && preview.labelColumn !== null) {
        const index = typeof preview.labelColumn === 'number' ? preview.labelColumn : preview.columns.indexOf(preview.labelColumn);
        if (index >= 0) this.label = { kind: 'column', index };
      }
      this.status = 'idle';
    } catch (error) {
      this.status = 'idle';
      this.preview = null;
      this.error = errorMessage(error);
    }
  }

  /** Reads the file in another encoding (e.g. the one the preview suggests when the bytes are not UTF-8). */
  async setEncoding(encoding: string): Promise<void> {
    this.encoding = encoding;
    await this.refreshPreview();
  }

  async setLabel(choice: LabelChoice): Promise<void> {
    this.label = choice;
    await this.refreshPreview();
  }

  /** Stores the dataset; returns its summary, or null with `error` set. */
  async commit(): Promise<DatasetSummary | null> {
    if (!this.file) return null;
    this.status = 'importing';
    this.error = null;
    try {
      const name = this.name.trim() || undefined;
      const result = await this.#backend.call('datasets.import', { fileId: this.file.fileId, name, options: this.options() });
      this.warnings = result.warnings;
      this.status = 'done';
      return result.dataset;
    } catch (error) {
      this.status = 'idle';
      this.error = errorMessage(error);
      return null;
    }
  }
}
