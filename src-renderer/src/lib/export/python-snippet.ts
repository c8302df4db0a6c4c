import type { ExportFormat } from '../backend/types.ts';

export const EXPORT_FORMATS: readonly { format: ExportFormat; title: string; description: string }[] = [
  { format: 'json', title: 'JSON', description: 'L, M, preprocessing, method, params, dataset hash, seed and results (versioned schema).' },
  { format: 'csv', title: 'CSV', description: 'L and M as tables with feature names in the header.' },
  { format: 'npy', title: 'NumPy .npy', description: 'L as a float64 array (format 1.0, little-endian, C order).' },
  { format: 'npz', title: 'NumPy .npz', description: 'L, M, mean and scale in one archive.' },
  { format: 'mat', title: 'MATLAB .mat', description: 'MAT v5 file holding L, M, mean and scale (scipy.io.loadmat, MATLAB).' },
  { format: 'transformed', title: 'Transformed data (CSV)', description: 'The dataset mapped into the learned space, X·Lᵀ after preprocessing, with labels.' },
];

/**
 * The few lines of Python that load an exported metric and use it with scikit-learn's kNN. The metric
 * expects its preprocessing: z = (x − mean) / scale on the kept features, then Euclidean kNN on z·Lᵀ
 * equals Mahalanobis kNN with M = LᵀL.
 */
export function pythonSnippet(format: ExportFormat, fileName: string): string {
  const knn = [
    'from sklearn.neighbors import KNeighborsClassifier',
    '',
    '# X: raw features (n, d) in the column order of the dataset, y: labels',
    'def embed(X):',
    '    Z = (X[:, kept] - mean) / scale   # the preprocessing the metric expects',
    '    return Z @ L.T                     # Euclidean distance here = Mahalanobis with M = LᵀL',
    '',
    'knn = KNeighborsClassifier(n_neighbors=3).fit(embed(X_train), y_train)',
    'print(knn.score(embed(X_test), y_test))',
  ];
  switch (format) {
    case 'json':
      return [
        'import json',
        'import numpy as np',
        `with open(${JSON.stringify(fileName)}) as f:`,
        '    metric = json.load(f)',
        'L = np.array(metric["L"])                     # (k, d)',
        'M = np.array(metric["M"])                     # (d, d), = L.T @ L',
        'pre = metric["preprocessing"]',
        'mean, scale = np.array(pre["mean"]), np.array(pre["scale"])',
        'kept = np.array(pre["kept"], dtype=int)',
        'assert np.allclose(M, L.T @ L)',
        ...knn,
      ].join('\n');
    case 'npy':
      return [
        'import numpy as np',
        `L = np.load(${JSON.stringify(fileName)})   # (k, d) float64; M is in the matching _M.npy`,
        'M = L.T @ L',
        '# mean, scale and kept come from the JSON or .npz export of the same run',
        ...knn,
      ].join('\n');
    case 'npz':
      return [
        'import numpy as np',
        `data = np.load(${JSON.stringify(fileName)})`,
        'L, M, mean, scale = data["L"], data["M"], data["mean"], data["scale"]',
        'kept = data["kept"].astype(int)   # raw feature columns the metric uses (constant ones dropped)',
        'assert np.allclose(M, L.T @ L)',
        ...knn,
      ].join('\n');
    case 'mat':
      return [
        'import numpy as np',
        'from scipy.io import loadmat',
        `data = loadmat(${JSON.stringify(fileName)})`,
        'L, M = data["L"], data["M"]',
        'mean, scale = data["mean"].ravel(), data["scale"].ravel()',
        'kept = data["kept"].ravel().astype(int)   # raw feature columns the metric uses',
        'assert np.allclose(M, L.T @ L)',
        ...knn,
      ].join('\n');
    case 'csv':
      return [
        'import numpy as np',
        `# ${fileName} holds L and M as tables with the feature names as header`,
        `rows = open(${JSON.stringify(fileName)}).read().splitlines()`,
        'print("\\n".join(rows[:5]))',
        '# For kNN, prefer the JSON or .npz export: it carries the preprocessing (mean, scale) too.',
      ].join('\n');
    case 'transformed':
      return [
        'import numpy as np',
        'import pandas as pd',
        'from sklearn.neighbors import KNeighborsClassifier',
        `df = pd.read_csv(${JSON.stringify(fileName)})`,
        'y = df.iloc[:, -1].to_numpy()',
        'Z = df.iloc[:, :-1].to_numpy()        # already X·Lᵀ: plain Euclidean kNN applies',
        'knn = KNeighborsClassifier(n_neighbors=3).fit(Z, y)',
      ].join('\n');
  }
}
