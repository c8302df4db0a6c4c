"""Round trip of bench/regression.ts: a metric exported by `workbench export --format npz`, used in Python with
scikit-learn's KNeighborsRegressor on the same train / test CSVs. Prints RMSE, MAE, R² and whether any test row has a tie
at its k-th neighbour's distance (there scikit-learn's choice among equidistant rows is arbitrary).
Usage: regression_roundtrip.py METRIC.npz TRAIN.csv TEST.csv K"""
import json
import sys

import numpy as np
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.neighbors import KNeighborsRegressor

npz, train_csv, test_csv, k = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
m = np.load(npz)
L, kept, mean, scale = m['L'], m['kept'].astype(int), m['mean'], m['scale']
train = np.loadtxt(train_csv, delimiter=',', skiprows=1)
test = np.loadtxt(test_csv, delimiter=',', skiprows=1)


def embed(X):
    return ((X[:, kept] - mean) / scale) @ L.T


A, B = embed(train[:, :-1]), embed(test[:, :-1])
model = KNeighborsRegressor(n_neighbors=k).fit(A, train[:, -1])
p = model.predict(B)
d = np.sqrt(((B[:, None, :] - A[None, :, :]) ** 2).sum(-1))
ordered = np.sort(d, axis=1)
ties = int(np.sum(np.isclose(ordered[:, k - 1], ordered[:, k], rtol=1e-12, atol=0)))
y = test[:, -1]
print(json.dumps({'rmse': mean_squared_error(y, p) ** 0.5, 'mae': mean_absolute_error(y, p), 'r2': r2_score(y, p), 'tiedRows': ties}))
