/**
 * `workbench comparisons add|remove|list|import|export|generate|clear --dataset ID …`, through the gateway:
 * `datasets.resolve`, then `comparisons.add`, `.remove`, `.list` (and `.derived` with --derived), `.import` (the CSV
 * registered as a file, as a dialog's choice is), `.export` (the CSV text, written here), `.generate` and `.clear`.
 * Mirrors `workbench constraints`.
 */
import { checkComparison, formatTriple, type Comparison } from '../../../shared/domain/comparisons.ts';
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { definedFields } from '../../../shared/objects.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { UsageError, type CliCommand, type CliContext } from '../command.ts';
import { formatTable } from '../format.ts';
import { datasetByRef } from './datasets.ts';
import { expectPositionals, optionOnlyFor, originOption, refOf } from './supervision-args.ts';

const USAGE = [
  'workbench comparisons add --dataset ID A B C',
  'workbench comparisons remove --dataset ID A B C',
  'workbench comparisons list --dataset ID [--derived]',
  'workbench comparisons import --dataset ID FILE.csv',
  'workbench comparisons export --dataset ID FILE.csv',
  'workbench comparisons generate --dataset ID --count N [--seed S]',
  'workbench comparisons clear --dataset ID [--origin manual|generated|imported] --yes',
].join('\n');

export const comparisonsCommand: CliCommand = {
  name: 'comparisons',
  summary: 'Add, remove, list, import, export or generate relative comparisons (A is closer to B than to C).',
  usage: USAGE,
  help: [
    'A comparison A B C says: row A is closer to row B than to row C (the triplets SCML learns from; LSML reads',
    'each as the quadruplet (A, B, A, C)). A, B and C are different row indices: 0-based, in the order of the rows',
    'in the imported file. Stored once per ordered triple, in labeling order; A C B contradicts A B C and is refused',
    'while A B C is stored. ID is a dataset id or its unique name.',
    '',
    '  list --derived    also lists the comparisons the labeled pairs imply (must(A,B) and cannot(A,C) give A B C),',
    '                    which learn / evaluate / compare / sweep use with --derived',
    '  import FILE.csv   a CSV with a header and columns anchor, closer, farther (other columns ignored); all or nothing',
    '  export FILE.csv   writes anchor, closer, farther, origin, created_at in labeling order',
    '  generate          draws N comparisons from the class labels (A, one of its class, one of another class),',
    '                    every class drawn, reproducible from --seed (default 0); those stored already are skipped',
    "  clear             removes all of the dataset's comparisons (or those of one --origin); needs --yes",
    '',
    'JSON output: add → {"comparison": {"anchor", "closer", "farther", "origin", "createdAt", "seq"}, "outcome"};',
    'remove → {"removed": {…}}; list → {"dataset": {"id", "name"}, "comparisons": […]} (with --derived also',
    '"derived": [[A, B, C], …], "derivedTotal"); import → {"imported": {"total", "added", "unchanged"}};',
    'export → {"exported": {"count", "path"}}; generate → {"generated": {"count", "added", "skipped", "seed"}};',
    'clear → {"cleared": N}',
  ].join('\n'),
  options: {
    dataset: { type: 'string', short: 'd' },
    count: { type: 'string' },
    seed: { type: 'string' },
    origin: { type: 'string' },
    derived: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
  },
  async run(ctx) {
    const sub = ctx.requirePositional(0, 'add|remove|list|import|export|generate|clear');
    const expect = (names: string[]): string[] => expectPositionals(ctx, names);
    const onlyFor = (option: string, allowed: string): void => optionOnlyFor(ctx, 'comparisons', sub, option, allowed);
    onlyFor('count', 'generate');
    onlyFor('seed', 'generate');
    onlyFor('origin', 'clear');
    if (ctx.flag('derived') && sub !== 'list') throw new UsageError(`--derived only applies to 'comparisons list'.`);
    switch (sub) {
      case 'add': {
        const [a, b, c] = expect(['A', 'B', 'C']);
        const [anchor, closer, farther, dataset] = await tripleArgs(ctx, a!, b!, c!);
        const { comparison, outcome } = await ctx.call('comparisons.add', { datasetId: dataset.id, anchor, closer, farther });
        const verb = outcome === 'added' ? 'Added' : 'Unchanged:';
        ctx.out({ dataset: refOf(dataset), comparison, outcome }, `${verb} ${sentence(comparison)} on dataset '${dataset.name}'.`);
        return 0;
      }
      case 'remove': {
        const [a, b, c] = expect(['A', 'B', 'C']);
        const [anchor, closer, farther, dataset] = await tripleArgs(ctx, a!, b!, c!);
        const { comparison } = await ctx.call('comparisons.remove', { datasetId: dataset.id, anchor, closer, farther });
        if (comparison === null) throw new NotFoundError(`Dataset '${dataset.name}' has no comparison ${formatTriple([anchor, closer, farther])}.`);
        ctx.out({ dataset: refOf(dataset), removed: comparison }, `Removed ${sentence(comparison)} from dataset '${dataset.name}'.`);
        return 0;
      }
      case 'list': {
        expect([]);
        const dataset = await datasetOf(ctx);
        const { comparisons } = await ctx.call('comparisons.list', { datasetId: dataset.id });
        if (!ctx.flag('derived')) {
          ctx.out({ dataset: refOf(dataset), comparisons }, formatComparisons(comparisons, dataset.name));
          return 0;
        }
        const { derived, total } = await ctx.call('comparisons.derived', { datasetId: dataset.id });
        const derivedText =
          total === 0
            ? 'The labeled pairs imply no further comparison.'
            : `${formatTable(derived, [
                { header: 'A', value: (t) => t[0], right: true },
                { header: 'B', value: (t) => t[1], right: true },
                { header: 'C', value: (t) => t[2], right: true },
              ])}\n${total} comparisons derived from the labeled pairs${total > derived.length ? ` (first ${derived.length} shown)` : ''}.`;
        ctx.out({ dataset: refOf(dataset), comparisons, derived, derivedTotal: total }, `${formatComparisons(comparisons, dataset.name)}\n\nDerived:\n${derivedText}`);
        return 0;
      }
      case 'import': {
        const [file] = expect(['FILE.csv']);
        const dataset = await datasetOf(ctx);
        const { fileId } = await (await ctx.workbench()).files.registerPath(ctx.resolvePath(file!), { mustExist: false });
        const r = await ctx.call('comparisons.import', { datasetId: dataset.id, fileId });
        ctx.out(
          { dataset: refOf(dataset), imported: { total: r.total, added: r.added, unchanged: r.unchanged } },
          `Imported ${r.total} comparisons into dataset '${dataset.name}': ${r.added} added, ${r.unchanged} unchanged.`,
        );
        return 0;
      }
      case 'export': {
        const [file] = expect(['FILE.csv']);
        const dataset = await datasetOf(ctx);
        const path = ctx.resolvePath(file!);
        const { count, csv } = await ctx.call('comparisons.export', { datasetId: dataset.id });
        await writeFileAtomic(path, csv);
        ctx.out({ dataset: refOf(dataset), exported: { count, path } }, `Wrote ${count} comparisons of dataset '${dataset.name}' to ${path}.`);
        return 0;
      }
      case 'generate': {
        expect([]);
        const count = ctx.integer(ctx.requireOption('count'), '--count', { min: 1 });
        const seedText = ctx.option('seed');
        const seed = seedText === undefined ? 0 : ctx.integer(seedText, '--seed', { min: 0, max: 0xffffffff });
        const dataset = await datasetOf(ctx);
        const r = await ctx.call('comparisons.generate', { datasetId: dataset.id, count, seed });
        ctx.out(
          { dataset: refOf(dataset), generated: { count: r.count, added: r.added, skipped: r.skipped, seed: r.seed } },
          `Generated ${r.count} comparisons for dataset '${dataset.name}' (seed ${r.seed}): ${r.added} added, ${r.skipped} already stored or contradicting a stored one.`,
        );
        return 0;
      }
      case 'clear': {
        expect([]);
        const origin = originOption(ctx);
        const ref = ctx.requireOption('dataset');
        if (!ctx.flag('yes')) throw new UsageError(`Clearing the comparisons of dataset '${ref}' needs --yes.`);
        const dataset = await datasetByRef(ctx, ref);
        const { removed } = await ctx.call('comparisons.clear', { datasetId: dataset.id, ...definedFields({ origin }) });
        ctx.out({ dataset: refOf(dataset), cleared: removed }, `Removed ${removed} ${origin ?? ''}${origin ? ' ' : ''}comparisons from dataset '${dataset.name}'.`);
        return 0;
      }
      default:
        throw new UsageError(`Unknown sub-command 'comparisons ${sub}'; expected add, remove, list, import, export, generate or clear.`);
    }
  },
};

function datasetOf(ctx: CliContext): Promise<DatasetSummary> {
  return datasetByRef(ctx, ctx.requireOption('dataset'));
}

/**
 * Rows A, B and C as integers and the dataset of --dataset, checked against it here as the service checks them, so
 * that an index the contract refuses by type (−1, or beyond its bound) gets the same message as one past the last row.
 */
async function tripleArgs(ctx: CliContext, a: string, b: string, c: string): Promise<[number, number, number, DatasetSummary]> {
  const ref = ctx.requireOption('dataset');
  const rows = [ctx.integer(a, 'Row index A'), ctx.integer(b, 'Row index B'), ctx.integer(c, 'Row index C')] as const;
  const dataset = await datasetByRef(ctx, ref);
  const [anchor, closer, farther] = checkComparison(dataset, ...rows);
  return [anchor, closer, farther, dataset];
}

function sentence(c: Comparison): string {
  return `comparison ${formatTriple([c.anchor, c.closer, c.farther])} (row ${c.anchor} closer to ${c.closer} than to ${c.farther})`;
}

function formatComparisons(comparisons: readonly Comparison[], name: string): string {
  if (comparisons.length === 0) return `Dataset '${name}' has no comparisons yet.`;
  return `${formatTable(comparisons, [
    { header: 'ANCHOR', value: (c) => c.anchor, right: true },
    { header: 'CLOSER', value: (c) => c.closer, right: true },
    { header: 'FARTHER', value: (c) => c.farther, right: true },
    { header: 'ORIGIN', value: (c) => c.origin },
    { header: 'CREATED', value: (c) => c.createdAt?.slice(0, 19).replace('T', ' ') },
  ])}\n${comparisons.length} comparisons.`;
}
