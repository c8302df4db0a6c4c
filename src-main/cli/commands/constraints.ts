/**
 * `workbench constraints add|remove|list|import|export|generate|clear --dataset ID …`, through the gateway:
 * `datasets.resolve`, then `constraints.set`, `.remove`, `.list`, `.import` (the CSV registered as a file, as a
 * dialog's choice is), `.export` (the CSV text, written here), `.generate` and `.clear`.
 */
import { checkPair, type PairConstraint } from '../../../shared/domain/constraints.ts';
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { definedFields } from '../../../shared/objects.ts';
import { UsageError, type CliCommand, type CliContext } from '../command.ts';
import { formatTable } from '../format.ts';
import { datasetByRef } from './datasets.ts';
import { expectPositionals, optionOnlyFor, originOption, refOf } from './supervision-args.ts';

const USAGE = [
  'workbench constraints add --dataset ID I J must|cannot',
  'workbench constraints remove --dataset ID I J',
  'workbench constraints list --dataset ID',
  'workbench constraints import --dataset ID FILE.csv',
  'workbench constraints export --dataset ID FILE.csv',
  'workbench constraints generate --dataset ID --pairs N [--seed S]',
  'workbench constraints clear --dataset ID [--origin manual|generated|imported] --yes',
].join('\n');

export const constraintsCommand: CliCommand = {
  name: 'constraints',
  summary: 'Add, remove, list, import, export or generate must-link / cannot-link pairs.',
  usage: USAGE,
  help: [
    'I and J are row indices: 0-based, in the order of the rows in the imported file. A pair is unordered',
    '((3, 7) is (7, 3)); labeling a pair again replaces its kind. A row cannot be paired with itself.',
    'ID is a dataset id or its unique name.',
    '',
    '  must | cannot     must-link (similar) or cannot-link (dissimilar)',
    '  import FILE.csv   a CSV with a header and columns i, j, kind (other columns ignored); all or nothing',
    '  export FILE.csv   writes i, j, kind, origin, created_at in labeling order (atomically;',
    '                    a missing folder is created, as for workbench export)',
    '  generate          draws N pairs from the class labels: half must-link, half cannot-link',
    '                    (the odd one is must-link), reproducible from --seed (default 0);',
    '                    pairs already labeled keep their label',
    '  clear             removes all of the dataset\'s constraints (or those of one --origin); needs --yes',
    '',
    'JSON output: add → {"constraint": {"i", "j", "kind", "origin", "createdAt", "seq"}, "outcome"};',
    'remove → {"removed": {…}}; list → {"dataset": {"id", "name"}, "constraints": […]};',
    'import → {"imported": {"total", "added", "relabeled", "unchanged"}}; export → {"exported": {"count", "path"}};',
    'generate → {"generated": {"must", "cannot", "added", "skipped", "seed"}}; clear → {"cleared": N}',
  ].join('\n'),
  options: {
    dataset: { type: 'string', short: 'd' },
    pairs: { type: 'string' },
    seed: { type: 'string' },
    origin: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
  },
  async run(ctx) {
    const sub = ctx.requirePositional(0, 'add|remove|list|import|export|generate');
    const expect = (names: string[]): string[] => expectPositionals(ctx, names);
    const onlyFor = (option: string, allowed: string): void => optionOnlyFor(ctx, 'constraints', sub, option, allowed);
    onlyFor('pairs', 'generate');
    onlyFor('seed', 'generate');
    onlyFor('origin', 'clear');
    switch (sub) {
      case 'add': {
        const [i, j, kind] = expect(['I', 'J', 'must|cannot']);
        if (kind !== 'must' && kind !== 'cannot') throw new UsageError(`The kind must be 'must' or 'cannot', got '${kind}'.`);
        const [a, b, dataset] = await pairArgs(ctx, i!, j!);
        const { constraint: c, outcome } = await ctx.call('constraints.set', { datasetId: dataset.id, i: a, j: b, kind });
        const verb = outcome === 'added' ? 'Added' : outcome === 'relabeled' ? 'Relabeled' : 'Unchanged:';
        ctx.out({ dataset: refOf(dataset), constraint: c, outcome }, `${verb} ${c.kind}-link (${c.i}, ${c.j}) on dataset '${dataset.name}'.`);
        return 0;
      }
      case 'remove': {
        const [i, j] = expect(['I', 'J']);
        const [a, b, dataset] = await pairArgs(ctx, i!, j!);
        const { constraint: c } = await ctx.call('constraints.remove', { datasetId: dataset.id, i: a, j: b });
        if (c === null) throw new NotFoundError(`Dataset '${dataset.name}' has no constraint on the pair (${a}, ${b}).`);
        ctx.out({ dataset: refOf(dataset), removed: c }, `Removed ${c.kind}-link (${c.i}, ${c.j}) from dataset '${dataset.name}'.`);
        return 0;
      }
      case 'list': {
        expect([]);
        const dataset = await datasetOf(ctx);
        const { constraints } = await ctx.call('constraints.list', { datasetId: dataset.id });
        ctx.out({ dataset: refOf(dataset), constraints }, formatConstraints(constraints, dataset.name));
        return 0;
      }
      case 'import': {
        const [file] = expect(['FILE.csv']);
        const dataset = await datasetOf(ctx);
        // A path typed on the command line is the user's own choice, as a native dialog's is; a missing file is
        // registered all the same, and the import reports it.
        const { fileId } = await (await ctx.workbench()).files.registerPath(ctx.resolvePath(file!), { mustExist: false });
        const r = await ctx.call('constraints.import', { datasetId: dataset.id, fileId });
        ctx.out(
          { dataset: refOf(dataset), imported: { total: r.total, added: r.added, relabeled: r.relabeled, unchanged: r.unchanged } },
          `Imported ${r.total} pairs into dataset '${dataset.name}': ${r.added} added, ${r.relabeled} relabeled, ${r.unchanged} unchanged.`,
        );
        return 0;
      }
      case 'export': {
        const [file] = expect(['FILE.csv']);
        const dataset = await datasetOf(ctx);
        const path = ctx.resolvePath(file!);
        const { count, csv } = await ctx.call('constraints.export', { datasetId: dataset.id });
        await writeFileAtomic(path, csv);
        ctx.out({ dataset: refOf(dataset), exported: { count, path } }, `Wrote ${count} constraints of dataset '${dataset.name}' to ${path}.`);
        return 0;
      }
      case 'generate': {
        expect([]);
        const pairs = ctx.integer(ctx.requireOption('pairs'), '--pairs', { min: 1 });
        const seedText = ctx.option('seed');
        const seed = seedText === undefined ? 0 : ctx.integer(seedText, '--seed', { min: 0, max: 0xffffffff });
        const dataset = await datasetOf(ctx);
        const r = await ctx.call('constraints.generate', { datasetId: dataset.id, pairs, seed });
        ctx.out(
          { dataset: refOf(dataset), generated: { must: r.must, cannot: r.cannot, added: r.added, skipped: r.skipped, seed: r.seed } },
          `Generated ${r.must} must-link and ${r.cannot} cannot-link pairs for dataset '${dataset.name}' (seed ${r.seed}): ` +
            `${r.added} added, ${r.skipped} already labeled.`,
        );
        return 0;
      }
      case 'clear': {
        expect([]);
        const origin = originOption(ctx);
        const ref = datasetRef(ctx);
        if (!ctx.flag('yes')) throw new UsageError(`Clearing the constraints of dataset '${ref}' needs --yes.`);
        const dataset = await datasetByRef(ctx, ref);
        const { removed } = await ctx.call('constraints.clear', { datasetId: dataset.id, ...definedFields({ origin }) });
        ctx.out({ dataset: refOf(dataset), cleared: removed }, `Removed ${removed} ${origin ?? ''}${origin ? ' ' : ''}constraints from dataset '${dataset.name}'.`);
        return 0;
      }
      default:
        throw new UsageError(`Unknown sub-command 'constraints ${sub}'; expected add, remove, list, import, export, generate or clear.`);
    }
  },
};

function datasetRef(ctx: CliContext): string {
  return ctx.requireOption('dataset');
}

function datasetOf(ctx: CliContext): Promise<DatasetSummary> {
  return datasetByRef(ctx, datasetRef(ctx));
}

/**
 * Rows I and J as integers (lower first) and the dataset of --dataset, the pair checked against it here as the
 * service checks it, so that an index the contract refuses by type (−1, or beyond its bound) gets the same message as one past
 * the last row.
 * @throws UsageError for a non-integer; NotFoundError for an unknown dataset; ConstraintError "Row index 150 is out
 *   of range: …" or for a self-pair.
 */
async function pairArgs(ctx: CliContext, i: string, j: string): Promise<[number, number, DatasetSummary]> {
  const ref = datasetRef(ctx);
  const a = ctx.integer(i, 'Row index I');
  const b = ctx.integer(j, 'Row index J');
  const dataset = await datasetByRef(ctx, ref);
  const [lo, hi] = checkPair(dataset, a, b);
  return [lo, hi, dataset];
}

function formatConstraints(constraints: readonly PairConstraint[], name: string): string {
  if (constraints.length === 0) return `Dataset '${name}' has no constraints yet.`;
  const must = constraints.filter((c) => c.kind === 'must').length;
  return `${formatTable(constraints, [
    { header: 'I', value: (c) => c.i, right: true },
    { header: 'J', value: (c) => c.j, right: true },
    { header: 'KIND', value: (c) => c.kind },
    { header: 'ORIGIN', value: (c) => c.origin },
    { header: 'CREATED', value: (c) => c.createdAt?.slice(0, 19).replace('T', ' ') },
  ])}\n${constraints.length} constraints (${must} must-link, ${constraints.length - must} cannot-link).`;
}
