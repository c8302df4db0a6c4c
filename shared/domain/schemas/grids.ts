/** Experiment grids as zod schemas (the types are re-exported by shared/domain/grid.ts): a grid's spec and its view. */
import '../zod-config.ts';
import { z } from 'zod';
import { GRID_LOCATIONS } from '../enums.ts';
import { Id, LIMITS, MethodName, Seed } from './values.ts';
import { JobStatusSchema, ProtocolSchema } from './jobs.ts';
import { GridMarkSchema } from './runs.ts';

const GridParamValue = z.union([z.number(), z.string().max(LIMITS.name), z.boolean(), z.null()]);

/** A grid to run on the local worker pool: data sets × methods × seeds × counts × parameter values. */
export const GridSpecSchema = z.strictObject({
  datasets: z.array(Id).min(1).max(LIMITS.list),
  methods: z.array(MethodName).min(1).max(LIMITS.list),
  seeds: z.array(Seed).min(1).max(LIMITS.list),
  counts: z.array(z.int().min(1).max(1_000_000)).max(LIMITS.list).optional(),
  /** Per method, per parameter, the values to try. */
  params: z.record(MethodName, z.record(z.string().min(1).max(LIMITS.name), z.array(GridParamValue).min(1).max(LIMITS.list))).optional(),
  protocol: ProtocolSchema.optional(),
  /** Comparison and quadruplet learners also use the comparisons the labeled pairs imply. */
  derived: z.boolean().optional(),
});

export const GridCellStatusSchema = JobStatusSchema;

/** One grid as the Experiments view lists it: one entry, per-cell status and progress. */
export const GridViewSchema = z.object({
  gridId: z.string(),
  cells: z.number(),
  done: z.number(),
  failed: z.number(),
  location: z.enum(GRID_LOCATIONS),
  createdAt: z.string(),
  /** Short human description, e.g. "iris, wine × euclidean, nca × seeds 0, 1". */
  title: z.string(),
  status: z.array(GridCellStatusSchema),
  /** Per cell 0…1 (1 when finished). */
  fractions: z.array(z.number()),
  runIds: z.array(z.number().nullable()),
  errors: z.array(z.string().nullable()),
});

export type GridMark = z.output<typeof GridMarkSchema>;
export type GridSpecWire = z.output<typeof GridSpecSchema>;
export type GridView = z.output<typeof GridViewSchema>;
