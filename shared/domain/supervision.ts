/**
 * Which supervision a run learned from, and its short text ("pairs: labeled (15)", "pairs: generated (1,960 per
 * fold)", "class labels"): shown wherever a run is named (run history, Compare, job cards, Export, `workbench runs`,
 * report captions). The shape is declared once, as SupervisionSchema in ./schemas/runs.ts.
 */
import type { Supervision } from './schemas/runs.ts';
import type { LearnerInput, SweepConstraintSource } from './enums.ts';
import { definedFields } from '../objects.ts';

export type { Supervision } from './schemas/runs.ts';

/** What a learner input is called in the short text (plural, as in "pairs: labeled (15)"). */
const INPUT_WORDS: Record<LearnerInput, string> = {
  none: 'none',
  labels: 'class labels',
  pairs: 'pairs',
  chunklets: 'chunklets',
  triplets: 'triplets',
  quadruplets: 'quadruplets',
  targets: 'targets',
};

const grouped = new Intl.NumberFormat('en-US');

/**
 * The supervision of a run of a method with learner input `input`: nothing, class labels, or pair-like items from
 * `source` — `labeledCount` hand-labeled ones given to the run, or `generatedPerFold` generated per training fold
 * (cross-validation) / `generatedCount` for a whole-dataset fit, where known.
 */
export function describeSupervision(
  input: LearnerInput,
  options: { source?: SweepConstraintSource; labeledCount?: number; generatedPerFold?: number; generatedCount?: number } = {},
): Supervision {
  if (input === 'none' || input === 'labels') return { kind: input };
  const source = options.source ?? 'generated';
  if (source === 'labeled') return { kind: input, source, ...definedFields({ count: options.labeledCount }) };
  return { kind: input, source, ...definedFields({ perFold: options.generatedPerFold, count: options.generatedCount }) };
}

/**
 * The short text: "unsupervised", "class labels", "pairs: labeled (15)", "pairs: generated (1,960 per fold)",
 * "pairs: generated (1,960)" (a whole-dataset fit), "pairs: suggested"; other kinds the same way ("triplets:
 * generated (…)"). Counts are grouped with commas.
 */
export function supervisionText(s: Supervision): string {
  if (s.kind === 'none') return 'unsupervised';
  if (s.kind === 'labels') return INPUT_WORDS.labels;
  const head = `${INPUT_WORDS[s.kind]}: ${s.source ?? 'generated'}`;
  if (s.perFold !== undefined) return `${head} (${grouped.format(s.perFold)} per fold)`;
  if (s.count !== undefined) return `${head} (${grouped.format(s.count)})`;
  return head;
}
