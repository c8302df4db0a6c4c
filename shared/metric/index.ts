/** Using a learned metric: transform, distances, M = LᵀL, M → L and the PSD cone. */
export {
  crossPairwiseSquaredDistances,
  mahalanobisMatrix,
  pairDistance,
  pairScore,
  pairwiseDistances,
  pairwiseSquaredDistances,
  transform,
  transformPreprocessed,
  type MetricComponents,
} from './mahalanobis.ts';
export { componentsFromMetric, isPsd, metricFromComponents, projectOntoPsdCone } from '../math/decompositions/index.ts';
