/**
 * `workbench import FILE …`: import a data file as a new dataset, through the gateway (`datasets.import`, parsed in
 * an import worker as in the app): FILE (and --labels-file) are registered with the workbench's file registry, as
 * a native dialog's choice is, and the import names them by id. Progress comes from `import.progress` events;
 * Ctrl-C sends `datasets.cancelImport`, and nothing is stored.
 */
import { dirname, resolve } from 'node:path';
import { toDatasetInfo } from '../../../shared/domain/dataset.ts';
import { JobCancelledError } from '../../../shared/errors.ts';
import type { RequestOf } from '../../../shared/ipc/contract.ts';
import { IMPORT_FORMATS, type ImportFormat } from '../../import/types.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { describeDataset } from './datasets.ts';

type ImportRequestOptions = NonNullable<RequestOf<'datasets.import'>['options']>;

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import a data file (CSV, TSV, ARFF, LIBSVM, .npy, IDX) as a new dataset.',
  usage:
    'workbench import FILE [--name N] [--label COL | --no-label | --target COL] [--format csv|tsv|arff|libsvm|npy|idx] [--encoding E] [--labels-file F] [--drop-missing]',
  help: [
    'Options:',
    '  --name N          dataset name (default: the file name without extension, made unique)',
    '  --label COL       label column: a name, or a 0-based column index (negative counts from the end).',
    '                    Default: a column named label, class, target or y (any case), else the last column',
    '                    if it is not numeric, else none (unlabeled data is fine: constraints still work)',
    '  --no-label        the file has no label column',
    '  --target COL      CSV/TSV: a numeric column as the regression target (a name or 0-based index): the dataset',
    '                    is a regression dataset (kNN regression figures: RMSE, MAE, R²; MLKR learns from it).',
    '                    A missing or non-numeric target value is refused naming its row and column',
    '  --format F        csv, tsv, arff, libsvm, npy or idx (default: from the extension, then the content)',
    '  --header          CSV/TSV: the first row is a header;  --no-header: it is data (default: detected)',
    '  --delimiter D     CSV/TSV field delimiter (default: sniffed; , ; tab | space)',
    '  --drop-missing    drop rows with a missing or non-numeric feature instead of refusing the file',
    '  --encoding E      CSV/TSV/ARFF/LIBSVM text encoding: utf-8 (default), latin1, windows-1252, utf-16le, … A file',
    '                    with bytes that are not valid UTF-8 is refused (row, column, byte offset and the encoding',
    '                    it looks like) unless its encoding is named; nothing is guessed silently',
    '  --labels-file F   .npy and IDX: labels from a sibling file (.npy, a 1-D IDX file raw or .gz, or .csv/.txt',
    '                    with one label per line), relative to FILE',
    '',
    'IDX (MNIST, Fashion-MNIST): raw or .gz, found by name (train-images-idx3-ubyte.gz) or by its magic number;',
    'element types ubyte, byte, short, int, float, double; 3-D images are flattened row-major and keep their',
    'height×width for thumbnails, e.g.',
    '  workbench import train-images-idx3-ubyte.gz --labels-file train-labels-idx1-ubyte.gz',
    '',
    'Row indices are 0-based, in the order of the rows in FILE. The import is all or nothing.',
    'JSON output: {"dataset": {"id", "name", "rows", "features", "classes", "labeled"}, "warnings", "droppedRows"}',
    '  (a regression dataset\'s "dataset" also has "task": "regression" and "target": COL)',
  ].join('\n'),
  options: {
    name: { type: 'string' },
    label: { type: 'string' },
    target: { type: 'string' },
    'no-label': { type: 'boolean' },
    format: { type: 'string' },
    header: { type: 'boolean' },
    'no-header': { type: 'boolean' },
    delimiter: { type: 'string' },
    'drop-missing': { type: 'boolean' },
    'labels-file': { type: 'string' },
    encoding: { type: 'string' },
  },
  async run(ctx) {
    const file = ctx.requirePositional(0, 'FILE');
    if (ctx.positionals.length > 1) throw new UsageError(`Unexpected argument '${ctx.positionals[1]}'.`);
    const format = ctx.option('format');
    if (format !== undefined && !IMPORT_FORMATS.includes(format as ImportFormat)) {
      throw new UsageError(`--format must be one of ${IMPORT_FORMATS.join(', ')}, got '${format}'.`);
    }
    const label = ctx.option('label');
    if (label !== undefined && ctx.flag('no-label')) throw new UsageError('Give either --label or --no-label, not both.');
    const target = ctx.option('target');
    if (target !== undefined && (label !== undefined || ctx.flag('no-label'))) {
      throw new UsageError('Give either --target (regression) or --label / --no-label (classification), not both.');
    }
    if (ctx.flag('header') && ctx.flag('no-header')) throw new UsageError('Give either --header or --no-header, not both.');
    const name = ctx.option('name');
    const labelsFile = ctx.option('labels-file');
    const delimiter = ctx.option('delimiter');
    const encoding = ctx.option('encoding');
    const path = ctx.resolvePath(file);
    const { files, events } = await ctx.workbench();
    // A path typed on the command line is the user's own choice, as a native dialog's is. A missing file is
    // registered all the same, so that the importer reports it in its own words.
    const { fileId } = await files.registerPath(path, { mustExist: false });
    // --labels-file is relative to FILE.
    const labelsFileId = labelsFile === undefined ? undefined : (await files.registerPath(resolve(dirname(path), labelsFile), { mustExist: false })).fileId;
    const options: ImportRequestOptions = {
      ...(format !== undefined ? { format: format as ImportFormat } : {}),
      ...(ctx.flag('no-label') ? { label: null } : label !== undefined ? { label: /^-?\d+$/.test(label) ? Number(label) : label } : {}),
      ...(target !== undefined ? { target: /^-?\d+$/.test(target) ? Number(target) : target } : {}),
      ...(ctx.flag('header') ? { header: true } : ctx.flag('no-header') ? { header: false } : {}),
      ...(delimiter !== undefined ? { delimiter: (delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter) as ImportRequestOptions['delimiter'] } : {}),
      ...(labelsFileId !== undefined ? { labelsFileId } : {}),
      ...(encoding !== undefined ? { encoding } : {}),
      dropMissing: ctx.flag('drop-missing'),
    };
    const progress = ctx.progressFraction(`Importing ${file}`);
    const stopProgress = events.on('import.progress', (p) => {
      if (p.fileId === fileId && p.totalBytes > 0) progress(p.bytesRead / p.totalBytes);
    });
    const onAbort = (): void => void ctx.call('datasets.cancelImport', { fileId }).catch(() => undefined);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let result;
    try {
      if (ctx.signal.aborted) throw new JobCancelledError('The import was cancelled; nothing was stored.');
      result = await ctx.call('datasets.import', { fileId, ...(name !== undefined ? { name } : {}), options });
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      stopProgress();
    }
    progress.done();
    for (const warning of result.warnings) ctx.progress(`warning: ${warning}`);
    ctx.out(
      { dataset: toDatasetInfo(result.dataset), warnings: result.warnings, droppedRows: result.droppedRows },
      `Imported ${describeDataset(result.dataset)}${result.droppedRows > 0 ? `; ${result.droppedRows} rows dropped` : ''}.`,
    );
    return 0;
  },
};
