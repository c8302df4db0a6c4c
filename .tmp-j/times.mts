import { fitMetric } from '../shared/engine/fit.ts';
import { loadSample } from '../test/jobs/helpers.ts';
const iris = loadSample('iris');
for (const [m, p] of [['nca', { maxIter: 20 }], ['lda', {}], ['covariance', {}], ['pca', { components: 2 }], ['mmc-diagonal', {}], ['itml', {}]] as const) {
  const t = performance.now(); fitMetric(iris, { method: m, params: p as any }); console.log(m, (performance.now() - t).toFixed(1));
}
