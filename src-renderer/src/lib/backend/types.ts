/**
 * Wire types the UI works with, inferred from the one IPC contract's schemas (never written twice).
 */
import type { z } from 'zod';
import type {
  DatasetDetailSchema,
  DatasetPreviewSchema,
  DatasetSummarySchema,
  FileRefSchema,
  GridSpecSchema,
  GridViewSchema,
  ImportOptionsSchema,
  JobInfoSchema,
  JobProgressSchema,
  JobSpecSchema,
  LearnedMetricWireSchema,
  MethodDeclarationSchema,
  ParamDeclarationSchema,
  RunDetailSchema,
  RunListItemSchema,
  SampleSchema,
  ScoreProgressSchema,
} from '../../../../shared/ipc/schemas.ts';

export type DatasetSummary = z.infer<typeof DatasetSummarySchema>;
export type DatasetDetail = z.infer<typeof DatasetDetailSchema>;
export type DatasetPreview = z.infer<typeof DatasetPreviewSchema>;
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;
export type FileRef = z.infer<typeof FileRefSchema>;
export type Sample = z.infer<typeof SampleSchema>;
export type MethodDeclaration = z.infer<typeof MethodDeclarationSchema>;
export type ParamDeclaration = z.infer<typeof ParamDeclarationSchema>;
export type JobSpec = z.infer<typeof JobSpecSchema>;
export type JobInfo = z.infer<typeof JobInfoSchema>;
export type JobProgress = z.infer<typeof JobProgressSchema>;
export type ScoreProgress = z.infer<typeof ScoreProgressSchema>;
export type RunSummary = z.infer<typeof RunListItemSchema>;
export type RunDetail = z.infer<typeof RunDetailSchema>;
export type LearnedMetricWire = z.infer<typeof LearnedMetricWireSchema>;
export type { ExportFormat } from '../../../../shared/export/formats.ts';
export type GridSpec = z.input<typeof GridSpecSchema>;
export type GridView = z.infer<typeof GridViewSchema>;
