import type { ParamSpec } from '../../../../shared/engine/learner.ts';
import { coerceParamString, validateParams } from '../../../../shared/engine/params.ts';
import type { ParamDeclaration } from '../backend/types.ts';

/** The engine's ParamSpec for a declaration that crossed IPC (same fields, plus name and rule). */
export function specOf(decl: ParamDeclaration): ParamSpec {
  const description = decl.description;
  switch (decl.type) {
    case 'int':
      return { type: 'int', default: decl.default as number | null, min: decl.min, max: decl.max, nullable: decl.nullable, description };
    case 'float':
      return {
        type: 'float', default: decl.default as number, min: decl.min, max: decl.max,
        exclusiveMin: decl.exclusiveMin, exclusiveMax: decl.exclusiveMax, description,
      };
    case 'enum':
      return { type: 'enum', values: decl.values ?? [], default: String(decl.default), description };
    case 'bool':
      return { type: 'bool', default: Boolean(decl.default), description };
  }
}

/** The text a form field starts with: the declared default ('' for a null default). */
export function defaultText(decl: ParamDeclaration): string {
  return decl.default === null ? '' : String(decl.default);
}

export type FieldCheck = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Parses and validates one field as the engine will: the same coercion as the CLI's `--param k=v` and the
 * same rule and message as `validateParams` (e.g. "nca: parameter 'maxIter' must be an integer ≥ 1, got 0.").
 */
export function checkField(method: string, decl: ParamDeclaration, text: string): FieldCheck {
  const spec = specOf(decl);
  const value = coerceParamString(spec, text);
  try {
    const out = validateParams(method, { [decl.name]: spec }, { [decl.name]: value });
    return { ok: true, value: out[decl.name] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Text that is not a number coerces to NaN, which the engine prints as null; show what was typed.
    return { ok: false, message: Number.isNaN(value) ? message.replace(/got null\.$/, `got ${JSON.stringify(text)}.`) : message };
  }
}

/**
 * Validates every field; returns the params that differ from their defaults (what a run records), or the
 * messages of the fields that failed, by parameter name.
 */
export function checkForm(
  method: string,
  decls: readonly ParamDeclaration[],
  texts: Record<string, string>,
): { params: Record<string, string | number | boolean | null>; errors: Record<string, string> } {
  const params: Record<string, string | number | boolean | null> = {};
  const errors: Record<string, string> = {};
  for (const decl of decls) {
    const text = texts[decl.name] ?? defaultText(decl);
    const check = checkField(method, decl, text);
    if (!check.ok) errors[decl.name] = check.message;
    else if (check.value !== decl.default) params[decl.name] = check.value as string | number | boolean | null;
  }
  return { params, errors };
}

/**
 * One line saying what differs from the defaults: "defaults", or "k=5, maxIter=200" (valid values as the engine
 * reads them, e.g. "1e-3" → 0.001; an invalid field as typed, so the line shows what needs fixing).
 */
export function paramSummary(method: string, decls: readonly ParamDeclaration[], texts: Record<string, string>): string {
  const changed = decls.flatMap((decl) => {
    const text = texts[decl.name] ?? defaultText(decl);
    const check = checkField(method, decl, text);
    if (check.ok && check.value === decl.default) return [];
    return [`${decl.name}=${check.ok ? String(check.value) : JSON.stringify(text)}`];
  });
  return changed.length > 0 ? changed.join(', ') : 'defaults';
}
