/** `workbench import FILE …`: import a data file as a new dataset. */
import { IMPORT_FORMATS, type ImportFormat } from '../../import/types.ts';
import { importDataset, toDatasetInfo } from '../../services/datasets.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { describeDataset } from './datasets.ts';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import a data file (CSV, TSV, ARFF, LIBSVM, .npy, IDX) as a new dataset.',
  usage:
    'workbench import FILE [--name N] [--label COL | --no-label] [--format csv|tsv|arff|libsvm|npy|idx] [--labels-file F] [--drop-missing]',
  help: [
    'Options:',
    '  --name N          dataset name (default: the file name without extension, made unique)',
    '  --label COL       label column: a name, or a 0-based column index (negative counts from the end).',
    '                    Default: a column named label, class, target or y (any case), else the last column',
    '                    if it is not numeric, else none (unlabeled data is fine: constraints still work)',
    '  --no-label        the file has no label column',
    '  --format F        csv, tsv, arff, libsvm, npy or idx (default: from the extension, then the content)',
    '  --header          CSV/TSV: the first row is a header;  --no-header: it is data (default: detected)',
    '  --delimiter D     CSV/TSV field delimiter (default: sniffed; , ; tab | space)',
    '  --drop-missing    drop rows with a missing or non-numeric feature instead of refusing the file',
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
  ].join('\n'),
  options: {
    name: { type: 'string' },
    label: { type: 'string' },
    'no-label': { type: 'boolean' },
    format: { type: 'string' },
    header: { type: 'boolean' },
    'no-header': { type: 'boolean' },
    delimiter: { type: 'string' },
    'drop-missing': { type: 'boolean' },
    'labels-file': { type: 'string' },
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
    if (ctx.flag('header') && ctx.flag('no-header')) throw new UsageError('Give either --header or --no-header, not both.');
    const name = ctx.option('name');
    const labelsFile = ctx.option('labels-file');
    const delimiter = ctx.option('delimiter');
    const progress = ctx.progressFraction(`Importing ${file}`);
    const result = await importDataset(ctx.store, ctx.resolvePath(file), {
      ...(name !== undefined ? { name } : {}),
      ...(format !== undefined ? { format: format as ImportFormat } : {}),
      ...(ctx.flag('no-label') ? { label: null } : label !== undefined ? { label: /^-?\d+$/.test(label) ? Number(label) : label } : {}),
      ...(ctx.flag('header') ? { header: true } : ctx.flag('no-header') ? { header: false } : {}),
      ...(delimiter !== undefined ? { delimiter: delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter } : {}),
      ...(labelsFile !== undefined ? { labelsFile } : {}),
      dropMissing: ctx.flag('drop-missing'),
      onProgress: progress,
      signal: ctx.signal,
    });
    progress.done();
    for (const warning of result.warnings) ctx.progress(`warning: ${warning}`);
    ctx.out(
      { dataset: toDatasetInfo(result.dataset), warnings: result.warnings, droppedRows: result.droppedRows },
      `Imported ${describeDataset(result.dataset)}${result.droppedRows > 0 ? `; ${result.droppedRows} rows dropped` : ''}.`,
    );
    return 0;
  },
};
