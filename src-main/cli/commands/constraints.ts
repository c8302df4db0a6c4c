/** `workbench constraints add|remove|list|import|export|generate --dataset ID …` */
import type { StoredConstraint } from '../../storage/constraints-repository.ts';
import { CONSTRAINT_ORIGINS, type ConstraintOrigin } from '../../../shared/domain/constraints.ts';
import {
  addConstraint,
  clearConstraints,
  exportConstraintsCsv,
  generateConstraints,
  importConstraintsCsv,
  listConstraints,
  removeConstraint,
} from '../../services/constraints.ts';
import { UsageError, type CliCommand, type CliContext } from '../command.ts';
import { formatTable } from '../format.ts';

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
    '  export FILE.csv   writes i, j, kind, origin, created_at in labeling order',
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
    const args = ctx.positionals.slice(1);
    const expect = (names: string[]): string[] => {
      if (args.length > names.length) throw new UsageError(`Unexpected argument '${args[names.length]}'.`);
      return names.map((name, k) => ctx.requirePositional(k + 1, name));
    };
    const onlyFor = (option: string, allowed: string) => {
      if (ctx.option(option) !== undefined && sub !== allowed) throw new UsageError(`--${option} only applies to 'constraints ${allowed}'.`);
    };
    onlyFor('pairs', 'generate');
    onlyFor('seed', 'generate');
    onlyFor('origin', 'clear');
    switch (sub) {
      case 'add': {
        const [i, j, kind] = expect(['I', 'J', 'must|cannot']);
        if (kind !== 'must' && kind !== 'cannot') throw new UsageError(`The kind must be 'must' or 'cannot', got '${kind}'.`);
        const result = addConstraint(ctx.store, datasetRef(ctx), rowArg(ctx, i!, 'I'), rowArg(ctx, j!, 'J'), kind);
        const c = result.constraint;
        const verb = result.outcome === 'added' ? 'Added' : result.outcome === 'relabeled' ? 'Relabeled' : 'Unchanged:';
        ctx.out({ dataset: refOf(result.dataset), constraint: c, outcome: result.outcome }, `${verb} ${c.kind}-link (${c.i}, ${c.j}) on dataset '${result.dataset.name}'.`);
        return 0;
      }
      case 'remove': {
        const [i, j] = expect(['I', 'J']);
        const result = removeConstraint(ctx.store, datasetRef(ctx), rowArg(ctx, i!, 'I'), rowArg(ctx, j!, 'J'));
        const c = result.removed;
        ctx.out({ dataset: refOf(result.dataset), removed: c }, `Removed ${c.kind}-link (${c.i}, ${c.j}) from dataset '${result.dataset.name}'.`);
        return 0;
      }
      case 'list': {
        expect([]);
        const { dataset, constraints } = listConstraints(ctx.store, datasetRef(ctx));
        ctx.out({ dataset: refOf(dataset), constraints }, formatConstraints(constraints, dataset.name));
        return 0;
      }
      case 'import': {
        const [file] = expect(['FILE.csv']);
        const r = await importConstraintsCsv(ctx.store, datasetRef(ctx), ctx.resolvePath(file!));
        ctx.out(
          { dataset: refOf(r.dataset), imported: { total: r.total, added: r.added, relabeled: r.relabeled, unchanged: r.unchanged } },
          `Imported ${r.total} pairs into dataset '${r.dataset.name}': ${r.added} added, ${r.relabeled} relabeled, ${r.unchanged} unchanged.`,
        );
        return 0;
      }
      case 'export': {
        const [file] = expect(['FILE.csv']);
        const r = await exportConstraintsCsv(ctx.store, datasetRef(ctx), ctx.resolvePath(file!));
        ctx.out({ dataset: refOf(r.dataset), exported: { count: r.count, path: r.path } }, `Wrote ${r.count} constraints of dataset '${r.dataset.name}' to ${r.path}.`);
        return 0;
      }
      case 'generate': {
        expect([]);
        const pairs = ctx.integer(ctx.requireOption('pairs'), '--pairs', { min: 1 });
        const seedText = ctx.option('seed');
        const seed = seedText === undefined ? 0 : ctx.integer(seedText, '--seed');
        const r = generateConstraints(ctx.store, datasetRef(ctx), { pairs, seed });
        ctx.out(
          { dataset: refOf(r.dataset), generated: { must: r.requested.must, cannot: r.requested.cannot, added: r.added, skipped: r.skipped, seed: r.seed } },
          `Generated ${r.requested.must} must-link and ${r.requested.cannot} cannot-link pairs for dataset '${r.dataset.name}' (seed ${r.seed}): ` +
            `${r.added} added, ${r.skipped} already labeled.`,
        );
        return 0;
      }
      case 'clear': {
        expect([]);
        const origin = ctx.option('origin');
        if (origin !== undefined && !(CONSTRAINT_ORIGINS as readonly string[]).includes(origin)) {
          throw new UsageError(`--origin must be one of ${CONSTRAINT_ORIGINS.join(', ')}, got '${origin}'.`);
        }
        const ref = datasetRef(ctx);
        if (!ctx.flag('yes')) throw new UsageError(`Clearing the constraints of dataset '${ref}' needs --yes.`);
        const r = clearConstraints(ctx.store, ref, origin as ConstraintOrigin | undefined);
        ctx.out({ dataset: refOf(r.dataset), cleared: r.removed }, `Removed ${r.removed} ${origin ?? ''}${origin ? ' ' : ''}constraints from dataset '${r.dataset.name}'.`);
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

function rowArg(ctx: CliContext, raw: string, label: string): number {
  return ctx.integer(raw, `Row index ${label}`);
}

function refOf(d: { id: number; name: string }): { id: number; name: string } {
  return { id: d.id, name: d.name };
}

function formatConstraints(constraints: readonly StoredConstraint[], name: string): string {
  if (constraints.length === 0) return `Dataset '${name}' has no constraints yet.`;
  const must = constraints.filter((c) => c.kind === 'must').length;
  return `${formatTable(constraints, [
    { header: 'I', value: (c) => c.i, right: true },
    { header: 'J', value: (c) => c.j, right: true },
    { header: 'KIND', value: (c) => c.kind },
    { header: 'ORIGIN', value: (c) => c.origin },
    { header: 'CREATED', value: (c) => c.createdAt.slice(0, 19).replace('T', ' ') },
  ])}\n${constraints.length} constraints (${must} must-link, ${constraints.length - must} cannot-link).`;
}
