import { ValidationError } from '../errors.ts';
import type { ParamSpec, ParamSpecs, ParamValues } from './learner.ts';

function describeRule(spec: ParamSpec): string {
  switch (spec.type) {
    case 'int': {
      const parts = ['an integer'];
      if (spec.min !== undefined) parts.push(`≥ ${spec.min}`);
      if (spec.max !== undefined) parts.push(`≤ ${spec.max}`);
      return parts.join(' ') + (spec.nullable ? ' (or null)' : '');
    }
    case 'float': {
      const parts = ['a finite number'];
      if (spec.min !== undefined) parts.push(`${spec.exclusiveMin ? '>' : '≥'} ${spec.min}`);
      if (spec.max !== undefined) parts.push(`${spec.exclusiveMax ? '<' : '≤'} ${spec.max}`);
      return parts.join(' ');
    }
    case 'enum':
      return `one of ${spec.values.map((v) => `'${v}'`).join(', ')}`;
    case 'bool':
      return 'true or false';
  }
}

/** Human-readable rule for a parameter, e.g. "an integer ≥ 1". Used in errors and in `workbench methods`. */
export function paramRule(spec: ParamSpec): string {
  return describeRule(spec);
}

/**
 * Parses a CLI/UI string (`"10"`, `"true"`, `"null"`, `"pca"`) into the value the spec expects; a string that is
 * not one (`"ten"` for an int gives NaN, `"maybe"` for a bool stays a string) is left for validation to refuse.
 */
export function coerceParamString(spec: ParamSpec, raw: string): number | string | boolean | null {
  const text = raw.trim();
  switch (spec.type) {
    case 'int':
    case 'float':
      if ((text === 'null' || text === 'none' || text === '') && spec.type === 'int' && spec.nullable) return null;
      return text === '' ? Number.NaN : Number(text);
    case 'bool':
      if (/^(true|1|yes)$/i.test(text)) return true;
      if (/^(false|0|no)$/i.test(text)) return false;
      return text;
    case 'enum':
      return text;
  }
}

/**
 * Validates raw parameters against their declarations and fills in defaults.
 * @throws ValidationError naming the method, the parameter, its value and the rule, e.g.
 *   "nca: parameter 'maxIter' must be an integer ≥ 1, got 0."
 */
export function validateParams<P extends ParamSpecs>(method: string, specs: P, raw: Record<string, unknown> = {}): ParamValues<P> {
  for (const key of Object.keys(raw)) {
    if (!(key in specs)) {
      const known = Object.keys(specs);
      throw new ValidationError(
        `${method}: unknown parameter '${key}'. Known parameters: ${known.length ? known.join(', ') : '(none)'}.`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const value = key in raw && raw[key] !== undefined ? raw[key] : spec.default;
    const fail = (): never => {
      throw new ValidationError(
        `${method}: parameter '${key}' must be ${describeRule(spec)}, got ${JSON.stringify(value) ?? String(value)}.`,
      );
    };
    switch (spec.type) {
      case 'int':
        if (value === null) {
          if (!spec.nullable) fail();
          break;
        }
        if (typeof value !== 'number' || !Number.isInteger(value)) fail();
        if (spec.min !== undefined && (value as number) < spec.min) fail();
        if (spec.max !== undefined && (value as number) > spec.max) fail();
        break;
      case 'float':
        if (typeof value !== 'number' || !Number.isFinite(value)) fail();
        if (spec.min !== undefined && (spec.exclusiveMin ? (value as number) <= spec.min : (value as number) < spec.min)) fail();
        if (spec.max !== undefined && (spec.exclusiveMax ? (value as number) >= spec.max : (value as number) > spec.max)) fail();
        break;
      case 'enum':
        if (typeof value !== 'string' || !spec.values.includes(value)) fail();
        break;
      case 'bool':
        if (typeof value !== 'boolean') fail();
        break;
    }
    out[key] = value;
  }
  // Every key of `specs` was checked against its spec's rule above: this is the one place the types are asserted.
  return out as ParamValues<P>;
}

/** Declares the optional output-dimension parameter `components` of a learner (null = the learner's maximum). */
export function componentsParam(description: string): { type: 'int'; default: null; min: 1; nullable: true; description: string } {
  return { type: 'int', default: null, min: 1, nullable: true, description };
}

/**
 * The output dimension k for a `components` value over `d` features: `components`, or d for null.
 * @throws ValidationError "<method>: parameter 'components' (c) cannot be greater than the number of features after preprocessing (d)."
 */
export function componentsUpTo(method: string, components: number | null, d: number): number {
  if (components !== null && components > d) {
    throw new ValidationError(
      `${method}: parameter 'components' (${components}) cannot be greater than the number of features after preprocessing (${d}).`,
    );
  }
  return components ?? d;
}
