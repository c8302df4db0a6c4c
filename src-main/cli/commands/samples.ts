/** `workbench samples` (list) and `workbench samples add NAME`, through the gateway: `samples.list`, `samples.add`. */
import { toDatasetInfo } from '../../../shared/domain/dataset.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { formatTable } from '../format.ts';
import { describeDataset } from './datasets.ts';

export const samplesCommand: CliCommand = {
  name: 'samples',
  summary: 'List the bundled sample datasets, or add one (iris, wine, breast_cancer, digits, diabetes, apples).',
  usage: ['workbench samples', 'workbench samples add NAME [--name N]'].join('\n'),
  help: [
    'Options:',
    '  --name N   dataset name (default: the sample name, made unique)',
    '',
    'JSON output: list → {"samples": [{"name", …}]}; add → {"dataset": {"id", "name", "rows", "features", "classes", "labeled"}}',
  ].join('\n'),
  options: { name: { type: 'string' } },
  async run(ctx) {
    const sub = ctx.positionals[0];
    if (sub === undefined || sub === 'list') {
      if (ctx.positionals.length > 1) throw new UsageError(`Unexpected argument '${ctx.positionals[1]}'.`);
      if (ctx.option('name') !== undefined) throw new UsageError("--name only applies to 'samples add'.");
      const { samples } = await ctx.call('samples.list', {});
      ctx.out(
        { samples },
        formatTable(samples, [
          { header: 'NAME', value: (s) => s.name },
          { header: 'ROWS', value: (s) => s.rows, right: true },
          { header: 'FEATURES', value: (s) => s.features, right: true },
          { header: 'CLASSES', value: (s) => s.classes.length, right: true },
          { header: 'TITLE', value: (s) => s.title },
        ]),
      );
      return 0;
    }
    if (sub !== 'add') throw new UsageError(`Unknown sub-command 'samples ${sub}'; expected 'samples' or 'samples add NAME'.`);
    const name = ctx.requirePositional(1, 'NAME');
    if (ctx.positionals.length > 2) throw new UsageError(`Unexpected argument '${ctx.positionals[2]}'.`);
    const datasetName = ctx.option('name');
    const result = await ctx.call('samples.add', { name, ...(datasetName !== undefined ? { datasetName } : {}) });
    for (const warning of result.warnings) ctx.progress(`warning: ${warning}`);
    ctx.out({ dataset: toDatasetInfo(result.dataset), warnings: result.warnings }, `Added sample ${describeDataset(result.dataset)}.`);
    return 0;
  },
};
