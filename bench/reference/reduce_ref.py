"""scikit-learn + metric-learn reference for bench/reduce-vs-reference.ts: PCA first, then metric learning.

Reads {"X": [[...]], "labels": [...], "folds": [{"train": [...], "test": [...]}], "reduce": K, "k": 3,
"methods": [...]} on stdin (raw rows; the folds are the caller's, which are scikit-learn's
StratifiedKFold(5, shuffle=True, random_state=0)). Per fold: features constant on the training part dropped,
StandardScaler and PCA(K, svd_solver='full') fitted on the training part, the learner fitted on the projected training
rows (euclidean: none; lmnn: LMNN(n_neighbors=3, random_state=0); itml: ITML_Supervised(random_state=0);
mmc-diagonal: MMC_Supervised(diagonal=True, random_state=0)), then KNeighborsClassifier(k) on the learned space.
Prints per method {"right", "total", "seconds": [learner fit seconds per fold]}. Run with metric-learn on the path:

  PYTHONPATH=/tmp/metric-learn /usr/bin/python3 bench/reference/reduce_ref.py < problem.json
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings('ignore')
from metric_learn import ITML_Supervised, LMNN, MMC_Supervised  # noqa: E402

MAKERS = {
    'euclidean': None,
    'lmnn': lambda: LMNN(n_neighbors=3, random_state=0),
    'itml': lambda: ITML_Supervised(random_state=0),
    'mmc-diagonal': lambda: MMC_Supervised(diagonal=True, random_state=0),
}

problem = json.load(sys.stdin)
X = np.array(problem['X'], dtype=float)
y = np.array(problem['labels'], dtype=int)
out = {}
for method in problem['methods']:
    right = 0
    total = 0
    seconds = []
    for fold in problem['folds']:
        train = np.array(fold['train'])
        test = np.array(fold['test'])
        keep = X[train].std(axis=0) > 0
        scaler = StandardScaler().fit(X[train][:, keep])
        pca = PCA(problem['reduce'], svd_solver='full').fit(scaler.transform(X[train][:, keep]))
        Ztr = pca.transform(scaler.transform(X[train][:, keep]))
        Zte = pca.transform(scaler.transform(X[test][:, keep]))
        if MAKERS[method] is not None:
            start = time.perf_counter()
            est = MAKERS[method]().fit(Ztr, y[train])
            seconds.append(time.perf_counter() - start)
            Ztr, Zte = est.transform(Ztr), est.transform(Zte)
        predicted = KNeighborsClassifier(problem['k']).fit(Ztr, y[train]).predict(Zte)
        right += int((predicted == y[test]).sum())
        total += len(test)
    out[method] = {'right': right, 'total': total, 'seconds': seconds}
print(json.dumps(out))
