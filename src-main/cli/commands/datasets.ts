/**
 * `workbench datasets` and `workbench dataset show|delete|rename`, through the gateway: `datasets.list`,
 * `datasets.resolve` (show: the stored record, without reading the feature data), then `datasets.delete`,
 * `datasets.rename`.
 */
import { toDatasetInfo, type DatasetSummary } from '../../../shared/domain/dataset.ts';
import type { DatasetRecord } from '../../../shared/ipc/schemas.ts';
import { UsageError, type CliCommand, type CliContext } from '../command.ts';
import { formatRecord, formatTable } from '../format.ts';

/**
 * The dataset a command-line argument names: an id (digits naming an existing id) or a unique name, looked up
 * through the gateway (`datasets.resolve`). @throws NotFoundError "No dataset with id or name 'x'."
 */
export async function datasetByRef(ctx: CliContext, ref: string): Promise<DatasetRecord> {
  return (await ctx.call('datasets.resolve', { ref })).dataset;
}

/** "'iris' (id 1): 150 rows × 4 features, 3 classes (setosa, versicolor, virginica)" */
export function describeDataset(d: DatasetSummary): string {
  const classes =
    d.task === 'regression'
      ? `regression target '${d.target}'`
      : d.labeled
        ? `${d.classes.length} class${d.classes.length === 1 ? '' : 'es'} (${shortList(d.classes)})`
        : 'unlabeled';
  return `'${d.name}' (id ${d.id}): ${d.rows} rows × ${d.features} features, ${classes}`;
}

function shortList(values: readonly string[], max = 10): string {
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, … ${values.length - max} more`;
}

export const datasetsCommand: CliCommand = {
  name: 'datasets',
  summary: 'List the stored datasets.',
  usage: 'workbench datasets',
  help: 'JSON output: {"datasets": [{"id", "name", "rows", "features", "classes", "labeled", "constraints", "comparisons", "sourceFile", "createdAt"}]} (a regression dataset also has "task": "regression" and "target")',
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`Unexpected argument '${ctx.positionals[0]}'.`);
    const { datasets } = await ctx.call('datasets.list', {});
    ctx.out(
      {
        datasets: datasets.map((d) => ({ ...toDatasetInfo(d), constraints: d.constraintCount, comparisons: d.comparisonCount, sourceFile: d.sourceFile, contentHash: d.contentHash, createdAt: d.createdAt })),
      },
      formatTable(
        datasets,
        [
          { header: 'ID', value: (d) => d.id, right: true },
          { header: 'NAME', value: (d) => d.name },
          { header: 'ROWS', value: (d) => d.rows, right: true },
          { header: 'FEATURES', value: (d) => d.features, right: true },
          { header: 'CLASSES', value: (d) => (d.task === 'regression' ? `target ${d.target}` : d.labeled ? d.classes.length : '-'), right: true },
          { header: 'CONSTRAINTS', value: (d) => d.constraintCount, right: true },
          { header: 'COMPARISONS', value: (d) => d.comparisonCount, right: true },
          { header: 'SOURCE', value: (d) => d.sourceFile ?? '' },
          { header: 'CREATED', value: (d) => d.createdAt.slice(0, 19).replace('T', ' ') },
        ],
        "No datasets yet. Add one with 'workbench import FILE' or 'workbench samples add iris'.",
      ),
    );
    return 0;
  },
};

export const datasetCommand: CliCommand = {
  name: 'dataset',
  summary: 'Show, rename or delete one dataset (by id or unique name).',
  usage: ['workbench dataset show ID', 'workbench dataset delete ID --yes', 'workbench dataset rename ID NEW_NAME'].join('\n'),
  help: [
    'ID is a dataset id or its unique name.',
    'delete removes the dataset with its constraints and runs; it needs --yes.',
    '',
    'JSON output: show → {"dataset": {…}}; delete → {"deleted": {"id", "name", …}, "constraintsRemoved", "runsRemoved"}',
  ].join('\n'),
  options: { yes: { type: 'boolean', short: 'y' } },
  async run(ctx) {
    const sub = ctx.requirePositional(0, 'show|delete|rename');
    const ref = () => ctx.requirePositional(1, 'ID');
    const noMore = (count: number) => {
      if (ctx.positionals.length > count) throw new UsageError(`Unexpected argument '${ctx.positionals[count]}'.`);
    };
    if (sub === 'show') {
      noMore(2);
      const d = await datasetByRef(ctx, ref());
      // The stored record as it always printed: the summary, the import metadata, then the feature names.
      const { featureNames, format, importOptions, warnings, ...rest } = d;
      ctx.out(
        { dataset: { ...toDatasetInfo(d), ...rest, format, importOptions, warnings, featureNames } },
        formatRecord({
          id: d.id,
          name: d.name,
          rows: d.rows,
          features: d.features,
          classes: d.task === 'regression' ? `(regression target '${d.target}')` : d.labeled ? d.classes : '(unlabeled)',
          constraints: d.constraintCount,
          comparisons: d.comparisonCount,
          'feature names': shortList(featureNames, 12),
          'image shape': d.imageShape ? `${d.imageShape[0]}×${d.imageShape[1]}` : null,
          source: d.sourceFile,
          'source sha256': d.sourceSha256,
          format: d.format,
          'content hash': d.contentHash,
          created: d.createdAt,
          warnings: d.warnings.length ? d.warnings.join(' | ') : null,
        }),
      );
      return 0;
    }
    if (sub === 'delete') {
      noMore(2);
      const target = await datasetByRef(ctx, ref());
      if (!ctx.flag('yes')) throw new UsageError(`Deleting ${describeDataset(target)} needs --yes (its constraints and runs are deleted too).`);
      const result = await ctx.call('datasets.delete', { id: target.id });
      ctx.out(
        { deleted: toDatasetInfo(result.dataset), constraintsRemoved: result.constraintsRemoved, runsRemoved: result.runsRemoved },
        `Deleted dataset '${result.dataset.name}' (id ${result.dataset.id}) with ${result.constraintsRemoved} constraints and ${result.runsRemoved} runs.`,
      );
      return 0;
    }
    if (sub === 'rename') {
      noMore(3);
      const target = ref();
      const name = ctx.requirePositional(2, 'NEW_NAME');
      const { dataset: d } = await ctx.call('datasets.rename', { id: (await datasetByRef(ctx, target)).id, name });
      ctx.out({ dataset: toDatasetInfo(d) }, `Renamed to ${describeDataset(d)}.`);
      return 0;
    }
    throw new UsageError(`Unknown sub-command 'dataset ${sub}'; expected show, delete or rename.`);
  },
};
