/**
 * What the per-dataset supervision commands (`workbench constraints`, `workbench comparisons`) share: the checks of
 * their sub-commands' positionals and options, `clear`'s --origin, and the dataset reference in their JSON output.
 */
import { CONSTRAINT_ORIGINS, type ConstraintOrigin } from '../../../shared/domain/constraints.ts';
import { UsageError, type CliContext } from '../command.ts';

/**
 * The positionals after the sub-command, one per name, all required.
 * @throws UsageError for a missing one (named) or one too many.
 */
export function expectPositionals(ctx: CliContext, names: readonly string[]): string[] {
  const args = ctx.positionals.slice(1);
  if (args.length > names.length) throw new UsageError(`Unexpected argument '${args[names.length]}'.`);
  return names.map((name, k) => ctx.requirePositional(k + 1, name));
}

/** @throws UsageError when --`option` is given to sub-command `sub` of `command` but only applies to `allowed`. */
export function optionOnlyFor(ctx: CliContext, command: string, sub: string, option: string, allowed: string): void {
  if (ctx.option(option) !== undefined && sub !== allowed) throw new UsageError(`--${option} only applies to '${command} ${allowed}'.`);
}

/**
 * The --origin of `clear`: undefined when not given.
 * @throws UsageError naming the origins for any other value.
 */
export function originOption(ctx: CliContext): ConstraintOrigin | undefined {
  const origin = ctx.option('origin');
  if (origin !== undefined && !(CONSTRAINT_ORIGINS as readonly string[]).includes(origin)) {
    throw new UsageError(`--origin must be one of ${CONSTRAINT_ORIGINS.join(', ')}, got '${origin}'.`);
  }
  return origin as ConstraintOrigin | undefined;
}

/** The dataset as the commands' JSON output names it. */
export function refOf(d: { id: number; name: string }): { id: number; name: string } {
  return { id: d.id, name: d.name };
}
