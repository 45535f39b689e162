import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributesToJson, attributeToJson } from '../../src/index';

describe('attributeToJson: stored values as plain JSON for the native API', () => {
  it('scalars', () => {
    assert.equal(attributeToJson('GET', undefined), 'GET');
    assert.equal(attributeToJson('true', 'bool'), true);
    assert.equal(attributeToJson('false', 'bool'), false);
    assert.equal(attributeToJson('-42', 'int'), -42);
    assert.equal(attributeToJson('9007199254740991', 'int'), 9007199254740991);
    assert.equal(attributeToJson('9007199254740993', 'int'), '9007199254740993');
    assert.equal(attributeToJson('-9223372036854775808', 'int'), '-9223372036854775808');
    assert.equal(attributeToJson('0.1', 'double'), 0.1);
    assert.equal(attributeToJson('1e+300', 'double'), 1e300);
    assert.equal(attributeToJson('NaN', 'double'), 'NaN');
    assert.equal(attributeToJson('-Infinity', 'double'), '-Infinity');
    assert.equal(attributeToJson('3q2+7w==', 'bytes'), '3q2+7w==');
    assert.equal(attributeToJson('', 'empty'), null);
  });

  it('arrays and kvlists become JSON arrays and objects, recursively', () => {
    const stored =
      '[{"stringValue":"a"},{"intValue":"9223372036854775807"},{"doubleValue":"Infinity"},{},' +
      '{"arrayValue":{"values":[{"boolValue":false}]}},' +
      '{"kvlistValue":{"values":[{"key":"k","value":{"intValue":"5"}},{"key":"__proto__","value":{"bytesValue":"AA=="}}]}}]';
    const value = attributeToJson(stored, 'array') as unknown[];
    assert.deepEqual(value.slice(0, 5), ['a', '9223372036854775807', 'Infinity', null, [false]]);
    const map = value[5] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(map), Object.prototype);
    assert.deepEqual(Object.entries(map), [
      ['k', 5],
      ['__proto__', 'AA=='],
    ]);
    assert.deepEqual(attributeToJson('[{"key":"a","value":{"kvlistValue":{"values":[]}}}]', 'kvlist'), { a: {} });
    assert.deepEqual(attributeToJson('[]', 'array'), []);
  });

  it('a stored array that is not valid JSON comes back as its text rather than throwing', () => {
    assert.equal(attributeToJson('[oops', 'array'), '[oops');
  });

  it('attributesToJson maps a whole attribute set, __proto__ included', () => {
    const values = { a: 'x', n: '1', l: '[{"stringValue":"y"}]' };
    Object.defineProperty(values, '__proto__', { value: 'true', enumerable: true });
    const types = { n: 'int', l: 'array' } as const;
    Object.defineProperty(types, '__proto__', { value: 'bool', enumerable: true });
    const out = attributesToJson(values, types);
    assert.deepEqual(Object.entries(out), [
      ['a', 'x'],
      ['n', 1],
      ['l', ['y']],
      ['__proto__', true],
    ]);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
});
