import { describe, expect, it } from 'vitest';
import { describeSupervision, supervisionText } from '../../shared/domain/supervision.ts';
import { PAIR_AUC_MIN_PAIRS, pairAucText } from '../../shared/engine/evaluation/pair-auc.ts';

describe('supervision descriptor and its short text', () => {
  it.each([
    [describeSupervision('none'), { kind: 'none' }, 'unsupervised'],
    [describeSupervision('labels'), { kind: 'labels' }, 'class labels'],
    [describeSupervision('pairs', { source: 'labeled', labeledCount: 15 }), { kind: 'pairs', source: 'labeled', count: 15 }, 'pairs: labeled (15)'],
    [describeSupervision('pairs', { source: 'generated', generatedPerFold: 1960 }), { kind: 'pairs', source: 'generated', perFold: 1960 }, 'pairs: generated (1,960 per fold)'],
    [describeSupervision('pairs', { source: 'generated', generatedCount: 12500 }), { kind: 'pairs', source: 'generated', count: 12500 }, 'pairs: generated (12,500)'],
    [describeSupervision('pairs', { source: 'generated' }), { kind: 'pairs', source: 'generated' }, 'pairs: generated'],
    [describeSupervision('pairs', { source: 'suggested', generatedPerFold: 40 }), { kind: 'pairs', source: 'suggested', perFold: 40 }, 'pairs: suggested (40 per fold)'],
    [describeSupervision('triplets', { source: 'generated', generatedPerFold: 300 }), { kind: 'triplets', source: 'generated', perFold: 300 }, 'triplets: generated (300 per fold)'],
  ])('%j', (built, shape, text) => {
    expect(built).toEqual(shape);
    expect(supervisionText(built)).toBe(text);
  });
});

describe('pair AUC with its held-out pair count', () => {
  it('shows the count beside the AUC, and n/a with the count below the threshold', () => {
    expect(PAIR_AUC_MIN_PAIRS).toBe(20);
    expect(pairAucText(0.834, 9800, 'generated')).toBe('0.834 (9,800 pairs)');
    expect(pairAucText(0.75, 20, 'labeled')).toBe('0.750 (20 pairs)');
    expect(pairAucText(0.75, 5, 'labeled')).toBe('n/a — only 5 held-out labeled pairs');
    expect(pairAucText(null, 1, 'labeled')).toBe('n/a — only 1 held-out labeled pair');
    expect(pairAucText(null, 0, 'labeled')).toBe('n/a — no held-out labeled pairs');
    expect(pairAucText(null, 400, 'labeled')).toBe('n/a — no held-out pairs of both kinds');
    // Evaluations stored before the count existed: the number alone.
    expect(pairAucText(0.8123, undefined, undefined, 4)).toBe('0.8123');
  });
});
