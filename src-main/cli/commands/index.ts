/**
 * The table of `workbench` commands, in the order `workbench --help` lists them. To add a command, write a
 * module under this folder that exports a `CliCommand` (see ../command.ts) and add it to {@link COMMANDS}.
 */
import type { CliCommand } from '../command.ts';
import { comparisonsCommand } from './comparisons.ts';
import { constraintsCommand } from './constraints.ts';
import { datasetCommand, datasetsCommand } from './datasets.ts';
import { importCommand } from './import.ts';
import { samplesCommand } from './samples.ts';
import { compareCommand } from './compare.ts';
import { evaluateCommand } from './evaluate.ts';
import { exportCommand } from './export.ts';
import { gridCommand } from './grid.ts';
import { learnCommand } from './learn.ts';
import { methodsCommand } from './methods.ts';
import { runCommand } from './run.ts';
import { reportCommand } from './report.ts';
import { runsCommand } from './runs.ts';
import { scoreCommand } from './score.ts';
import { sweepCommand } from './sweep.ts';

export const COMMANDS: readonly CliCommand[] = [
  importCommand,
  samplesCommand,
  datasetsCommand,
  datasetCommand,
  constraintsCommand,
  comparisonsCommand,
  methodsCommand,
  learnCommand,
  evaluateCommand,
  compareCommand,
  sweepCommand,
  gridCommand,
  scoreCommand,
  runsCommand,
  runCommand,
  exportCommand,
  reportCommand,
];

export function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}
