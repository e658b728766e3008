'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { deepMerge } = require('../merge.js');

test('merges nested objects', () => {
  const out = deepMerge({ db: { host: 'a', port: 1 } }, { db: { port: 2 } }, { debug: true });
  assert.deepStrictEqual(out, { db: { host: 'a', port: 2 }, debug: true });
});

test('arrays are replaced, not merged', () => {
  assert.deepStrictEqual(deepMerge({ tags: [1, 2] }, { tags: [3] }), { tags: [3] });
});

test('sources are not shared with the result', () => {
  const src = { nested: { x: 1 } };
  const out = deepMerge({}, src);
  out.nested.x = 2;
  assert.strictEqual(src.nested.x, 1);
});
