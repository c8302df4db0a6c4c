/**
 * Generates malformed requests from a channel's zod schema: a valid base request, then one mutation per
 * field (wrong types, missing required fields, unknown fields, strings past their limit, negative,
 * fractional, NaN and unsafe integers, bad enum values), recursing into nested objects and the first
 * option of a discriminated union. Each case says which field the error must name.
 */
import type { z } from 'zod';

type Def = Record<string, any> & { type: string };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

export interface MalformedCase {
  /** Short description, e.g. "datasetId = -1". */
  label: string;
  request: unknown;
  /** The path the error message must name: "datasetId", "spec.params", or "(root)". */
  path: string;
  /** False when the value cannot travel as JSON (NaN, Infinity): only sent through the IPC gateway. */
  json: boolean;
}

function checks(def: Def): Def[] {
  return ((def.checks ?? []) as unknown[]).map((c) => defOf(c));
}

function numberBounds(def: Def): { min?: number; max?: number; int: boolean } {
  const out: { min?: number; max?: number; int: boolean } = { int: false };
  for (const c of checks(def)) {
    if (c.check === 'greater_than') out.min = c.value + (c.inclusive ? 0 : 1);
    if (c.check === 'less_than') out.max = c.value - (c.inclusive ? 0 : 1);
    if (c.check === 'number_format' && /int/.test(c.format)) out.int = true;
  }
  if (def.format && /int/.test(def.format)) out.int = true;
  return out;
}

function lengthBounds(def: Def): { min?: number; max?: number; pattern: boolean } {
  const out: { min?: number; max?: number; pattern: boolean } = { pattern: false };
  for (const c of checks(def)) {
    if (c.check === 'min_length') out.min = c.minimum;
    if (c.check === 'max_length') out.max = c.maximum;
    if (c.check === 'string_format' && c.format === 'regex') out.pattern = true;
  }
  return out;
}

function unwrap(schema: unknown): { schema: unknown; optional: boolean } {
  let current = schema;
  let optional = false;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'default') {
      optional = true;
      current = def.innerType;
    } else return { schema: current, optional };
  }
}

/** A request that passes the schema (smallest values within the bounds). */
export function validSample(schema: unknown): unknown {
  const def = defOf(unwrap(schema).schema);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape as Record<string, unknown>)) {
        if (!unwrap(field).optional) out[key] = validSample(field);
      }
      return out;
    }
    case 'number': {
      const b = numberBounds(def);
      return b.min ?? 0;
    }
    case 'string': {
      const b = lengthBounds(def);
      return 'a'.repeat(Math.max(1, b.min ?? 1));
    }
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(def.entries as Record<string, unknown>)[0];
    case 'literal':
      return (def.values as unknown[])[0];
    case 'array': {
      const b = lengthBounds(def);
      return Array.from({ length: b.min ?? 0 }, () => validSample(def.element));
    }
    case 'record':
      return {};
    case 'union':
      return validSample((def.options as unknown[])[0]);
    case 'null':
      return null;
    default:
      throw new Error(`validSample: unsupported zod type '${def.type}'`);
  }
}

const pathText = (path: readonly (string | number)[]): string =>
  path.length === 0 ? '(root)' : path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k === 0 ? '' : '.'}${p}`)).join('');

function setAt(base: unknown, path: readonly (string | number)[], value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(base) ? [...base] : { ...(base as object) };
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (rest.length === 0) {
    if (remove) delete copy[head];
    else copy[head] = value;
  } else copy[head] = setAt(copy[head], rest, value, remove);
  return copy;
}

interface BadValue {
  label: string;
  value: unknown;
  json: boolean;
}

/** Bad values for one field, by kind. */
function badValues(schema: unknown): BadValue[] {
  const def = defOf(unwrap(schema).schema);
  const common: BadValue[] = [
    { label: 'an object', value: { $gt: '' }, json: true },
    { label: 'an array', value: [1], json: true },
  ];
  switch (def.type) {
    case 'number': {
      const b = numberBounds(def);
      const out: BadValue[] = [
        ...common,
        { label: 'a numeric string', value: '1', json: true },
        { label: 'true', value: true, json: true },
        { label: 'null', value: null, json: true },
        { label: 'NaN', value: Number.NaN, json: false },
        { label: 'Infinity', value: Number.POSITIVE_INFINITY, json: false },
        { label: '-Infinity', value: Number.NEGATIVE_INFINITY, json: false },
      ];
      if (b.int) out.push({ label: '1.5', value: 1.5, json: true }, { label: '2^53', value: 2 ** 53, json: true });
      if (b.min !== undefined) out.push({ label: `${b.min - 1}`, value: b.min - 1, json: true }, { label: '-1e9', value: -1e9, json: true });
      if (b.max !== undefined) out.push({ label: `${b.max + 1}`, value: b.max + 1, json: true });
      return out;
    }
    case 'string': {
      const b = lengthBounds(def);
      const out: BadValue[] = [
        ...common,
        { label: 'a number', value: 123, json: true },
        { label: 'null', value: null, json: true },
        { label: 'false', value: false, json: true },
      ];
      if ((b.min ?? 0) >= 1) out.push({ label: "''", value: '', json: true });
      // Strings past their limit (the 400 MB limit of files.upload is left to the HTTP body limit).
      if (b.max !== undefined && b.max < 2_000_000) out.push({ label: `${b.max + 1} characters`, value: 'x'.repeat(b.max + 1), json: true });
      if (b.pattern) out.push({ label: 'a path', value: '../../etc/passwd', json: true });
      return out;
    }
    case 'boolean':
      return [...common, { label: "'true'", value: 'true', json: true }, { label: '1', value: 1, json: true }, { label: 'null', value: null, json: true }];
    case 'enum':
    case 'literal':
      return [...common, { label: "'bogus'", value: 'bogus', json: true }, { label: '1', value: 1, json: true }, { label: 'null', value: null, json: true }];
    case 'array': {
      const b = lengthBounds(def);
      const out: BadValue[] = [{ label: 'a string', value: 'x', json: true }, { label: 'an object', value: {}, json: true }, { label: 'null', value: null, json: true }];
      const bad = badValues(def.element)[0];
      if (bad) out.push({ label: `[${bad.label}]`, value: [bad.value], json: true });
      if (b.max !== undefined) out.push({ label: `${b.max + 1} elements`, value: Array.from({ length: b.max + 1 }, () => validSample(def.element)), json: true });
      return out;
    }
    case 'record':
      return [
        { label: 'a string', value: 'x', json: true },
        { label: 'an array', value: [1], json: true },
        { label: 'null', value: null, json: true },
        { label: 'a nested object value', value: { a: { b: 1 } }, json: true },
        { label: '40 entries', value: Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`p${k}`, 1])), json: true },
      ];
    case 'object':
      return [{ label: 'a string', value: 'x', json: true }, { label: 'null', value: null, json: true }, { label: 'an array', value: [], json: true }];
    case 'union':
      return [{ label: 'an object', value: { $ne: 1 }, json: true }, { label: 'an array', value: [], json: true }];
    default:
      return [];
  }
}

/** Every malformed case of one request schema. */
export function malformedCases(schema: z.ZodType): MalformedCase[] {
  const cases: MalformedCase[] = [
    { label: 'body null', request: null, path: '(root)', json: true },
    { label: 'body an array', request: [], path: '(root)', json: true },
    { label: 'body a string', request: 'x', path: '(root)', json: true },
    { label: 'body a number', request: 42, path: '(root)', json: true },
  ];

  /** Mutates the object schema found at `path` inside the (valid) request `base`. */
  const walk = (objectSchema: unknown, base: unknown, path: (string | number)[]) => {
    const def = defOf(unwrap(objectSchema).schema);
    if (def.type !== 'object') return;
    cases.push({ label: `${pathText(path)} with an unknown field`, request: setAt(base, [...path, 'extraField'], 1), path: pathText(path), json: true });
    for (const [key, field] of Object.entries(def.shape as Record<string, unknown>)) {
      const here = [...path, key];
      if (!unwrap(field).optional) {
        cases.push({ label: `${pathText(here)} missing`, request: setAt(base, here, undefined, true), path: pathText(here), json: true });
      }
      for (const bad of badValues(field)) {
        cases.push({ label: `${pathText(here)} = ${bad.label}`, request: setAt(base, here, bad.value), path: pathText(here), json: bad.json });
      }
      const fieldDef = defOf(unwrap(field).schema);
      if (fieldDef.type === 'object') walk(field, setAt(base, here, validSample(field)), here);
      if (fieldDef.type === 'union' && fieldDef.discriminator) {
        const first = (fieldDef.options as unknown[])[0];
        const withFirst = setAt(base, here, validSample(first));
        const tag = [...here, fieldDef.discriminator as string];
        cases.push({ label: `${pathText(tag)} = 'bogus'`, request: setAt(withFirst, tag, 'bogus'), path: pathText(tag), json: true });
        walk(first, withFirst, here);
      }
    }
  };
  walk(schema, validSample(schema), []);
  return cases;
}
