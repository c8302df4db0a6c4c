"""Reference side of bench/regression.ts: scikit-learn's diabetes data, z-scored per fold, KFold(5, shuffle=True,
random_state=0), 3-NN regression with Euclidean distances and with metric-learn 0.7.0's MLKR (defaults), fit timed per
fold. Prints one JSON document. Run with PYTHONPATH pointing at metric-learn's source (METRIC_LEARN_PATH)."""
import json
import sys
import time

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.model_selection import KFold
from sklearn.neighbors import KNeighborsRegressor
from sklearn.preprocessing import StandardScaler

from metric_learn import MLKR

X, y = load_diabetes(return_X_y=True)
methods = sys.argv[1].split(',') if len(sys.argv) > 1 else ['euclidean', 'mlkr']
out = {}
for method in methods:
    rmse, r2, fit = [], [], []
    for train, test in KFold(5, shuffle=True, random_state=0).split(X):
        scaler = StandardScaler().fit(X[train])
        A, B = scaler.transform(X[train]), scaler.transform(X[test])
        if method == 'mlkr':
            start = time.perf_counter()
            L = MLKR().fit(A, y[train]).components_
            fit.append(time.perf_counter() - start)
            A, B = A @ L.T, B @ L.T
        p = KNeighborsRegressor(n_neighbors=3).fit(A, y[train]).predict(B)
        rmse.append(mean_squared_error(y[test], p) ** 0.5)
        r2.append(r2_score(y[test], p))
    out[method] = {'rmse': rmse, 'r2': r2, 'fitSeconds': fit}
print(json.dumps(out))
