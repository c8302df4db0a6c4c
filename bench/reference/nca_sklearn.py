"""scikit-learn NCA reference objectives for the shipped samples and the built-to-saturate synthetic set.

Run from the repository root:  /usr/bin/python3 bench/reference/nca_sklearn.py
(Debian python3-sklearn, scikit-learn 1.2). The samples are z-scored as shared/engine/preprocess.ts does (mean,
population std; constant features dropped), the built-to-saturate fixture test/fixtures/nca-saturating.csv (made by
bench/reference/make-nca-saturating.ts) is fitted as it is (our preprocess 'none'); the whole file is fitted, init='auto', max_iter=50, tol=1e-5
(our defaults and scikit-learn's), random_state=0. 'nca-threshold' is test/fixtures/nca-threshold.csv (214 rows, just
above NCA's exact/truncated threshold; bench/reference/make-nca-threshold.ts), 'iris-petal' iris's last two columns
(petal length and width), both z-scored. Prints the NCA objective sum_i p_i at the end (the
expected number of correctly classified points), the iterations and the largest |L| entry.
"""
import csv
import sys

import numpy as np
from sklearn.neighbors import NeighborhoodComponentsAnalysis
from scipy.special import logsumexp


def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    data = np.array([[float(v) for v in r] for r in rows[1:]])
    return data[:, :-1], data[:, -1].astype(int)


def zscore(X):
    std = X.std(axis=0)
    keep = std > 0
    X = X[:, keep]
    return (X - X.mean(axis=0)) / std[keep]


def objective(L, X, y):
    Z = X @ L.T
    D = ((Z[:, None, :] - Z[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    logp = -D - logsumexp(-D, axis=1, keepdims=True)
    P = np.exp(logp)
    return float((P * (y[:, None] == y[None, :])).sum())


def run(name, X, y):
    nca = NeighborhoodComponentsAnalysis(init='auto', max_iter=50, tol=1e-5, random_state=0)
    nca.fit(X, y)
    L = nca.components_
    print(f"{name}\tn={len(y)}\tobjective={objective(L, X, y):.4f}\titerations={nca.n_iter_}\tmax|L|={np.abs(L).max():.3f}")


# (name, path, preprocessing): the shipped samples z-scored, the built-to-saturate fixture as it is.
CASES = [
    ('iris', 'src-main/samples/data/iris.csv', 'zscore'),
    ('wine', 'src-main/samples/data/wine.csv', 'zscore'),
    ('breast_cancer', 'src-main/samples/data/breast_cancer.csv', 'zscore'),
    ('digits', 'src-main/samples/data/digits.csv', 'zscore'),
    ('nca-saturating', 'test/fixtures/nca-saturating.csv', 'none'),
    ('nca-threshold', 'test/fixtures/nca-threshold.csv', 'zscore'),
    ('iris-petal', 'src-main/samples/data/iris.csv', 'zscore', [2, 3]),
]

if __name__ == '__main__':
    # Arguments: names from CASES, or extra files as NAME=PATH (z-scored) / NAME=PATH:none, e.g. the apples sample
    # written by `node --import tsx bench/reference/write-apples.ts /tmp/apples.csv` as apples=/tmp/apples.csv.
    wanted = [a for a in sys.argv[1:] if '=' not in a]
    for extra in [a for a in sys.argv[1:] if '=' in a]:
        name, spec = extra.split('=', 1)
        path, _, pre = spec.partition(':')
        CASES.append((name, path, pre or 'zscore'))
        wanted.append(name)
    for name, path, pre, *columns in CASES:
        if wanted and name not in wanted:
            continue
        X, y = load(path)
        if columns:
            X = X[:, columns[0]]
        run(name, zscore(X) if pre == 'zscore' else X, y)
