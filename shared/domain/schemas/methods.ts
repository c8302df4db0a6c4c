/** The methods as the UI forms and `workbench methods` declare them: parameters, supervision, the method. */
import '../zod-config.ts';
import { z } from 'zod';
import { LEARNER_INPUTS, PARAM_TYPES } from '../enums.ts';
import { SweepConstraintSourceSchema } from './jobs.ts';

/** In the key order the learners declare their parameters (`values` of an enum comes before its default). */
export const ParamDeclarationSchema = z.object({
  name: z.string(),
  type: z.enum(PARAM_TYPES),
  values: z.array(z.string()).optional(),
  default: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  min: z.number().optional(),
  max: z.number().optional(),
  exclusiveMin: z.boolean().optional(),
  exclusiveMax: z.boolean().optional(),
  nullable: z.boolean().optional(),
  description: z.string(),
  /** Human-readable rule, e.g. "an integer ≥ 1" (what validation errors say). */
  rule: z.string(),
});

/** A method's kind of supervision as the forms show it (shared/engine/supervision/kinds.ts declares it). */
export const SupervisionDeclarationSchema = z.object({
  /** What it learns from, in words: "relative comparisons (a is closer to b than to c)". */
  noun: z.string(),
  /** What to label so that a dataset gives it this supervision. */
  whatToLabel: z.string(),
  /** The constraint sources it takes (empty: it takes none). */
  sources: z.array(SweepConstraintSourceSchema),
  /** What the user's labeled part is made of: pairs, comparisons, or nothing. */
  labeledFrom: z.enum(['pairs', 'comparisons']).nullable(),
  /** Whether this version can fit it. */
  supported: z.boolean(),
});

export const MethodDeclarationSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  input: z.enum(LEARNER_INPUTS),
  supervision: SupervisionDeclarationSchema,
  params: z.array(ParamDeclarationSchema),
});

export type ParamDeclaration = z.output<typeof ParamDeclarationSchema>;
export type MethodDeclaration = z.output<typeof MethodDeclarationSchema>;
export type SupervisionDeclaration = z.output<typeof SupervisionDeclarationSchema>;
