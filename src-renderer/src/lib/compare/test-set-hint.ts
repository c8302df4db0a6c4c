/**
 * The example file the Test set panel names for a dataset's held-out split, in the format the dataset came in
 * (a CSV dataset gets a CSV, not an MNIST file): "segment-test.csv", "t10k-images-idx3-ubyte.gz with its labels
 * t10k-labels-idx1-ubyte.gz".
 */
export function testSetExample(name: string, format: string | null | undefined): string {
  switch (format) {
    case 'idx':
      return 't10k-images-idx3-ubyte.gz with its labels t10k-labels-idx1-ubyte.gz';
    case 'npy':
      return 'X_test.npy with its labels y_test.npy';
    case 'libsvm':
      return `${name}.t`;
    case 'arff':
    case 'tsv':
      return `${name}-test.${format}`;
    default:
      return `${name}-test.csv`;
  }
}
