/**
 * The bounds and scalar rules of every value of the domain (ids, row indices, seeds, names, method parameters) and
 * the zod enums over the domain's const arrays (../enums.ts). The request schemas of shared/ipc are built from these.
 */
import '../zod-config.ts';
import { z } from 'zod';
import { CONSTRAINT_KINDS, CONSTRAINT_ORIGINS, CONSTRAINT_SET_OUTCOMES, PREPROCESS_KINDS, STOP_REASONS } from '../enums.ts';

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

export const LIMITS = {
  /** Dataset, run and method names, class names, file names. */
  name: 200,
  /** Free text such as a label column given by name. */
  text: 1_000,
  /** Opaque ids handed out by main (upload file ids, job ids). */
  token: 100,
  /** Upper bound of any row index (the store refuses indices ≥ rows anyway). */
  rowIndex: 100_000_000,
  /** Sizes of requested lists (sweep counts, seeds, methods in a comparison). */
  list: 64,
  /** Parameters per method. */
  params: 32,
  /** An upload sent through IPC as base64 (desktop drag and drop); the HTTP upload streams instead. */
  uploadBase64: 400 * 1024 * 1024,
} as const;

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** Database ids (datasets, runs) are positive integers. */
export const Id = z.int().min(1);
export const RowIndex = z.int().min(0).max(LIMITS.rowIndex);
export const Seed = z.int().min(0).max(2 ** 32 - 1);
export const Name = z.string().min(1).max(LIMITS.name);
export const Token = z.string().min(1).max(LIMITS.token).regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, _ and -');
export const MethodName = z.string().min(1).max(LIMITS.name).regex(/^[a-z0-9-]+$/, 'must be a method name such as nca or mmc-diagonal');
export const ParamValue = z.union([z.number(), z.string().max(LIMITS.text), z.boolean(), z.null()]);
export const Params = z
  .record(z.string().max(LIMITS.name), ParamValue)
  .refine((p) => Object.keys(p).length <= LIMITS.params, `must have at most ${LIMITS.params} parameters`);

export const ConstraintKindSchema = z.enum(CONSTRAINT_KINDS);
export const ConstraintOriginSchema = z.enum(CONSTRAINT_ORIGINS);
export const ConstraintSetOutcomeSchema = z.enum(CONSTRAINT_SET_OUTCOMES);
export const PreprocessSchema = z.enum(PREPROCESS_KINDS);
export const StopReasonSchema = z.enum(STOP_REASONS);
