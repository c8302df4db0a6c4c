/**
 * `fields` without its undefined-valued entries, for optional fields that must be absent rather than present with the
 * value undefined (a stored or printed JSON document, an object compared with toEqual):
 * `{ kind, ...definedFields({ count, perFold }) }` instead of one `...(x === undefined ? {} : { x })` per field.
 */
export function definedFields<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
