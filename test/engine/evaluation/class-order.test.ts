import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateMethod } from '../../../shared/engine/evaluation/evaluate.ts';
import { stratifiedFoldAssignment } from '../../../shared/engine/evaluation/folds.ts';
import { importFile } from '../../../src-main/import/index.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'class-order');

// scikit-learn 1.2.1 on the string labels, `/usr/bin/python3 test/fixtures/class-order/make_class_order.py`:
// StratifiedKFold(5, shuffle=True, random_state=0), StandardScaler fitted on each training part, KNeighborsClassifier(3).
// Several test rows get one neighbour of each class; scikit-learn then predicts np.unique's first class.
const SKLEARN_FOLDS = [0.6111111111111112, 0.3333333333333333, 0.6111111111111112, 0.5555555555555556, 0.3888888888888889];

describe('class names declared out of sorted order (zeta, alpha, mid)', () => {
  it.each(['zeta-alpha-mid.csv', 'zeta-alpha-mid.arff'])('%s: classes in np.unique order, Euclidean 3-NN per fold equal to scikit-learn', async (file) => {
    const { matrix } = await importFile(join(FIXTURES, file));
    expect(matrix.classNames).toEqual(['alpha', 'mid', 'zeta']);
    const result = evaluateMethod(matrix, { method: 'euclidean', protocol: { folds: 5, k: 3, seed: 0, preprocess: 'zscore' } });
    expect(result.accuracy!.folds).toEqual(SKLEARN_FOLDS);
  });

  it('the folds themselves do not depend on how the classes are numbered (scikit-learn numbers them by first appearance)', async () => {
    const { matrix } = await importFile(join(FIXTURES, 'zeta-alpha-mid.csv'));
    const declaredOrder = Int32Array.from(matrix.labels!, (c) => [1, 2, 0][c]!); // alpha→1, mid→2, zeta→0
    expect(stratifiedFoldAssignment(declaredOrder, 5, 0)).toEqual(stratifiedFoldAssignment(matrix.labels!, 5, 0));
  });
});
