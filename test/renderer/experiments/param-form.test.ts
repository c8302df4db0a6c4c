import { describe, expect, it } from 'vitest';
import type { ParamDeclaration } from '../../../src-renderer/src/lib/backend/types.ts';
import { checkField, checkForm, defaultText } from '../../../src-renderer/src/lib/experiments/param-form.ts';

const maxIter: ParamDeclaration = { name: 'maxIter', type: 'int', default: 100, min: 1, description: 'iterations', rule: 'an integer ≥ 1' };
const components: ParamDeclaration = { name: 'components', type: 'int', default: null, min: 1, nullable: true, description: 'dimension', rule: 'an integer ≥ 1 (or null)' };
const tol: ParamDeclaration = { name: 'tol', type: 'float', default: 1e-5, min: 0, exclusiveMin: true, description: 'tolerance', rule: 'a finite number > 0' };
const init: ParamDeclaration = { name: 'init', type: 'enum', default: 'auto', values: ['auto', 'pca'], description: 'init', rule: "one of 'auto', 'pca'" };

describe('parameter forms', () => {
  it('validates a field with the engine rule and message', () => {
    expect(checkField('nca', maxIter, '0')).toEqual({ ok: false, message: "nca: parameter 'maxIter' must be an integer ≥ 1, got 0." });
    expect(checkField('nca', maxIter, '2.5')).toEqual({ ok: false, message: "nca: parameter 'maxIter' must be an integer ≥ 1, got 2.5." });
    expect(checkField('nca', maxIter, ' 50 ')).toEqual({ ok: true, value: 50 });
    expect(checkField('nca', tol, '0')).toEqual({ ok: false, message: "nca: parameter 'tol' must be a finite number > 0, got 0." });
    expect(checkField('nca', components, '')).toEqual({ ok: true, value: null });
  });

  it('starts from the declared defaults and records only the changed parameters', () => {
    expect([maxIter, components, tol, init].map(defaultText)).toEqual(['100', '', '0.00001', 'auto']);
    const { params, errors } = checkForm('nca', [maxIter, components, tol, init], { maxIter: '100', components: '2', tol: '0.00001', init: 'pca' });
    expect(errors).toEqual({});
    expect(params).toEqual({ components: 2, init: 'pca' });
  });

  it('reports every invalid field by name', () => {
    const { errors } = checkForm('nca', [maxIter, init], { maxIter: 'many', init: 'lda' });
    expect(errors).toEqual({
      maxIter: "nca: parameter 'maxIter' must be an integer ≥ 1, got \"many\".",
      init: "nca: parameter 'init' must be one of 'auto', 'pca', got \"lda\".",
    });
  });
});
