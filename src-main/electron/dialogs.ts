/**
 * Native open and save dialogs, run in main: the renderer asks for "a dataset file" or "a place to save
 * the JSON export" and gets back an opaque file id or a confirmation — never a path it chose itself.
 */
import { app, dialog, type BrowserWindow, type FileFilter } from 'electron';
import { join } from 'node:path';
import type { WorkbenchDialogs } from '../services/ports.ts';

const DATASET_FILTERS: FileFilter[] = [
  { name: 'Datasets', extensions: ['csv', 'tsv', 'txt', 'arff', 'libsvm', 'svm', 'svmlight', 'npy', 'gz', 'idx', 'idx1-ubyte', 'idx3-ubyte'] },
  { name: 'All files', extensions: ['*'] },
];
const CONSTRAINT_FILTERS: FileFilter[] = [
  { name: 'Constraints (CSV: i, j, kind)', extensions: ['csv'] },
  { name: 'All files', extensions: ['*'] },
];

export function createDesktopDialogs(getWindow: () => BrowserWindow | null): WorkbenchDialogs {
  return {
    async openFile(purpose) {
      const options = {
        title: purpose === 'constraints' ? 'Import constraints' : 'Import a dataset',
        properties: ['openFile' as const],
        filters: purpose === 'constraints' ? CONSTRAINT_FILTERS : DATASET_FILTERS,
      };
      const window = getWindow();
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async saveFile(defaultName, extension) {
      const options = {
        title: 'Export learned metric',
        defaultPath: join(app.getPath('documents'), defaultName),
        filters: [{ name: extension.toUpperCase(), extensions: [extension] }],
      };
      const window = getWindow();
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
