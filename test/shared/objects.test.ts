import { describe, expect, it } from 'vitest';
import { definedFields } from '../../shared/objects.ts';

describe('definedFields', () => {
  it('drops the undefined-valued fields and keeps every other value, falsy ones included', () => {
    const fields = definedFields({ a: 1, b: undefined, c: 0, d: null, e: '', f: false });
    expect(fields).toEqual({ a: 1, c: 0, d: null, e: '', f: false });
    expect(Object.keys(fields)).toEqual(['a', 'c', 'd', 'e', 'f']);
  });
});
