/**
 * The table of `workbench` commands, in the order `workbench --help` lists them. To add a command, write a
 * module under this folder that exports a `CliCommand` (see ../command.ts) and add it to {@link COMMANDS}.
 */
import type { CliCommand } from '../command.ts';
import { constraintsCommand } from './constraints.ts';
import { datasetCommand, datasetsCommand } from './datasets.ts';
import { importCommand } from './import.ts';
import { samplesCommand } from './samples.ts';

export const COMMANDS: readonly CliCommand[] = [
  importCommand,
  samplesCommand,
  datasetsCommand,
  datasetCommand,
  constraintsCommand,
];

export function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}
