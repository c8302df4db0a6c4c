/**
 * The method declarations the UI forms and `workbench methods` show: every learner with its supervision (what it
 * learns from and what to label for it) and its parameters (type,
 * default, range, allowed values) and the human rule its validation errors quote. One implementation for the
 * `methods.list` channel and the CLI; the shape is MethodDeclarationSchema of shared/domain/schemas/methods.ts.
 */
import type { ParamSpec } from '../../shared/engine/learner.ts';
import { paramRule } from '../../shared/engine/params.ts';
import { LEARNERS } from '../../shared/engine/registry.ts';
import { supervisionDeclaration } from '../../shared/engine/supervision/kinds.ts';
import type { MethodDeclaration, ParamDeclaration } from '../../shared/ipc/schemas.ts';
import type { Handler } from './ports.ts';

export type { MethodDeclaration, ParamDeclaration } from '../../shared/ipc/schemas.ts';

/** One declaration per parameter, in the learner's order (key order as the spec declares it). */
function describeParams(specs: Record<string, ParamSpec>): ParamDeclaration[] {
  return Object.entries(specs).map(([name, spec]): ParamDeclaration =>
    spec.type === 'enum' ? { name, ...spec, values: [...spec.values], rule: paramRule(spec) } : { name, ...spec, rule: paramRule(spec) },
  );
}

/** Every method, in registry (CLI and UI) order. */
function methodDeclarations(): MethodDeclaration[] {
  return LEARNERS.map((l) => ({ name: l.name, title: l.title, description: l.description, input: l.input, supervision: supervisionDeclaration(l.input), params: describeParams(l.params) }));
}

/** The `methods.list` channel. */
export const listMethods: Handler<'methods.list'> = () => ({ methods: methodDeclarations() });
