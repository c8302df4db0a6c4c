import { describe, expect, it } from 'vitest';
import { ImportSession } from '../../../src-renderer/src/lib/datasets/import-session.svelte.ts';
import type { DatasetPreview } from '../../../src-renderer/src/lib/backend/types.ts';
import { FakeBackend } from '../fake-backend.ts';

const preview = (labelColumn: string | number | null, errors: DatasetPreview['errors'] = []): DatasetPreview => ({
  fileName: 'fruit.csv', format: 'csv', header: true, columns: ['size', 'hue', 'variety'], rows: [['1', '0.1', 'gala']],
  labelColumn, featureCount: 2, classes: ['gala'], totalRows: 1, warnings: [], errors,
});

describe('ImportSession', () => {
  it('uploads, previews with the detected label column, and imports with the chosen options', async () => {
    const backend = new FakeBackend()
      .handle('datasets.preview', ({ options }) => ({ preview: preview(options?.label === null ? null : 'variety') }))
      .handle('datasets.import', () => ({
        dataset: { id: 4, name: 'fruit', rows: 1, features: 2, classes: ['gala'], labeled: true, sourceFile: 'fruit.csv', sourceSha256: null, contentHash: 'h', createdAt: 'now' },
        warnings: [],
        droppedRows: 0,
      }));
    const session = new ImportSession(backend);
    await session.useFile(new File(['size,hue,variety\n1,0.1,gala\n'], 'fruit.csv'));
    expect(session.name).toBe('fruit');
    expect(session.label).toEqual({ kind: 'column', index: 2 });
    expect(session.canImport).toBe(true);
    await session.setLabel({ kind: 'none' });
    expect(backend.callsTo('datasets.preview').at(-1)).toEqual({ fileId: 'upload-1', options: { label: null } });
    session.dropMissing = true;
    const dataset = await session.commit();
    expect(dataset?.id).toBe(4);
    expect(backend.callsTo('datasets.import')).toEqual([{ fileId: 'upload-1', name: 'fruit', options: { label: null, dropMissing: true } }]);
  });

  it('reads the file in the encoding the preview suggests once asked, and imports with it', async () => {
    const backend = new FakeBackend()
      .handle('datasets.preview', ({ options }) => ({
        preview:
          options?.encoding === 'latin1'
            ? preview('variety')
            : { ...preview('variety', [{ message: 'latin.csv: row 2, column "variety", byte offset 14: 0xE9 is not valid UTF-8 (it looks like latin1)' }]), suggestedEncoding: 'latin1' },
      }))
      .handle('datasets.import', () => ({
        dataset: { id: 6, name: 'latin', rows: 1, features: 2, classes: ['gala'], labeled: true, sourceFile: 'latin.csv', sourceSha256: null, contentHash: 'h', createdAt: 'now' },
        warnings: [],
        droppedRows: 0,
      }));
    const session = new ImportSession(backend);
    await session.useFile(new File([new Uint8Array([0x61, 0xe9])], 'latin.csv'));
    expect(session.preview?.suggestedEncoding).toBe('latin1');
    expect(session.canImport).toBe(false);
    await session.setEncoding(session.preview!.suggestedEncoding!);
    expect(backend.callsTo('datasets.preview').at(-1)).toEqual({ fileId: 'upload-1', options: { label: 2, encoding: 'latin1' } });
    expect(session.canImport).toBe(true);
    await session.commit();
    expect(backend.callsTo('datasets.import')).toEqual([{ fileId: 'upload-1', name: 'latin', options: { label: 2, encoding: 'latin1' } }]);
    session.reset();
    expect(session.encoding).toBe('utf-8');
  });

  it('keeps Import disabled while the preview reports errors naming row and column', async () => {
    const backend = new FakeBackend().handle('datasets.preview', () => ({
      preview: preview('variety', [{ message: "'abc' is not a number", row: 7, column: 'hue' }]),
    }));
    const session = new ImportSession(backend);
    await session.useFile(new File(['x'], 'bad.csv'));
    expect(session.preview?.errors).toEqual([{ message: "'abc' is not a number", row: 7, column: 'hue' }]);
    expect(session.canImport).toBe(false);
  });

  it('npy / IDX: a second uploaded file gives the labels; its id replaces any label column in the options', async () => {
    const idx = (labeled: boolean): DatasetPreview => ({
      fileName: 'train-images-idx3-ubyte.gz', format: 'idx', header: false,
      columns: labeled ? ['pixel_0_0', 'pixel_0_1', 'label'] : ['pixel_0_0', 'pixel_0_1'], rows: [],
      labelColumn: labeled ? 2 : null, featureCount: 2, classes: labeled ? ['0', '1'] : [], totalRows: 5, warnings: [], errors: [],
    });
    const backend = new FakeBackend()
      .handle('datasets.preview', ({ options }) => ({ preview: idx(options?.labelsFileId !== undefined) }))
      .handle('datasets.import', () => ({
        dataset: { id: 5, name: 'train-images-idx3-ubyte', rows: 5, features: 2, classes: ['0', '1'], labeled: true, sourceFile: 'train-images-idx3-ubyte.gz', sourceSha256: null, contentHash: 'h', createdAt: 'now' },
        warnings: [],
        droppedRows: 0,
      }));
    const session = new ImportSession(backend);
    await session.useFile(new File([new Uint8Array([0, 0, 8, 3])], 'train-images-idx3-ubyte.gz'));
    expect(session.name).toBe('train-images-idx3-ubyte');
    expect(session.wantsLabelsFile).toBe(true);
    await session.useLabelsFile(new File([new Uint8Array([0, 0, 8, 1])], 'train-labels-idx1-ubyte.gz'));
    expect(session.labelsFile?.name).toBe('train-labels-idx1-ubyte.gz');
    // The detected label column (the labels file's, last) is not sent: the labels file replaces it.
    expect(session.label).toEqual({ kind: 'column', index: 2 });
    expect(backend.callsTo('datasets.preview').at(-1)).toEqual({ fileId: 'upload-1', options: { labelsFileId: 'upload-2' } });
    await session.commit();
    expect(backend.callsTo('datasets.import')).toEqual([{ fileId: 'upload-1', name: 'train-images-idx3-ubyte', options: { labelsFileId: 'upload-2' } }]);
    await session.clearLabelsFile();
    expect(backend.callsTo('datasets.preview').at(-1)).toEqual({ fileId: 'upload-1', options: {} });
  });
});
